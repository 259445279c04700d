// Looks like a workflow, but its name does not end with "Workflow": Kinde will not discover it.
export const workflowSettings = {
  id: 'neverDeployed',
  trigger: 'user:tokens_generation',
  bindings: {},
};

export default async function Workflow() {}
