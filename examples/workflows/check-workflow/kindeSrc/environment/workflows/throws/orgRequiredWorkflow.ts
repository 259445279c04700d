// Throws for users without an organization; no failurePolicy, so Kinde stops: the sign-in is refused.
import { accessTokenCustomClaims, type onUserTokenGeneratedEvent, WorkflowTrigger } from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'orgRequired',
  trigger: WorkflowTrigger.UserTokenGeneration,
  bindings: { 'kinde.accessToken': {} },
};

export default async function Workflow(event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ tenant: string }>();
  const orgCode = event.context.organization.code;
  if (!orgCode) {
    throw new Error('this app needs an organization');
  }
  accessToken.tenant = orgCode.toUpperCase();
}
