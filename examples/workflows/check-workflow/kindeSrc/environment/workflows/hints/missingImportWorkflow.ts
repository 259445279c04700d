// throws, with a hint: calls the library's fetch without importing it ("fetch is not defined").
import { accessTokenCustomClaims, type onUserTokenGeneratedEvent, WorkflowTrigger } from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'missingImport',
  trigger: WorkflowTrigger.UserTokenGeneration,
  bindings: { 'kinde.accessToken': {}, 'kinde.fetch': {} },
};

export default async function Workflow(_event: onUserTokenGeneratedEvent) {
  const response = await fetch('https://api.example.com/plan', { method: 'GET', headers: {} });
  accessTokenCustomClaims<{ plan: unknown }>().plan = response.status;
}
