// A build error: the object literal below is never closed.
export const workflowSettings = {
  id: 'brokenBuild',
  trigger: 'user:tokens_generation',
  bindings: { 'kinde.accessToken': {} },
;

export default async function Workflow() {}
