// The default export is not async: the reference tolerates it, Kinde's runtime expects a promise.
import { accessTokenCustomClaims, WorkflowTrigger } from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'syncDefault',
  trigger: WorkflowTrigger.UserTokenGeneration,
  bindings: { 'kinde.accessToken': {} },
};

export default function Workflow() {
  const accessToken = accessTokenCustomClaims<{ sync: boolean }>();
  accessToken.sync = true;
}
