// Settings errors: no id (Kinde refuses the workflow) and an unknown failurePolicy action.
export const workflowSettings = {
  name: 'No id',
  trigger: 'user:tokens_generation',
  failurePolicy: { action: 'retry' },
  bindings: { 'kinde.accessToken': {} },
};

export default async function Workflow() {}
