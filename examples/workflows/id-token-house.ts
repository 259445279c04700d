// From the tutorial: add a claim to the ID token and overwrite `name` (allowed: it is not prohibited).
import {
  idTokenCustomClaims,
  type onUserTokenGeneratedEvent,
  type WorkflowSettings,
  WorkflowTrigger,
} from '@kinde/infrastructure';

export const workflowSettings: WorkflowSettings = {
  id: 'idTokenHouse',
  name: 'Sorting hat',
  trigger: WorkflowTrigger.UserTokenGeneration,
  failurePolicy: { action: 'stop' },
  bindings: { 'kinde.idToken': {}, url: {} },
};

export default async function Workflow(_event: onUserTokenGeneratedEvent) {
  const idToken = idTokenCustomClaims<{ house: string; name: string }>();
  idToken.house = 'Gryffindor';
  idToken.name = 'Harry Potter';
}
