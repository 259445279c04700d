// Claim findings: prohibited claims (ignored silently by Kinde) and a claim on a token this trigger cannot touch.
import { type onUserTokenGeneratedEvent, WorkflowTrigger } from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'prohibitedClaims',
  trigger: WorkflowTrigger.UserTokenGeneration,
  bindings: { 'kinde.accessToken': {}, 'kinde.idToken': {} },
};

declare const kinde: {
  accessToken: { setCustomClaim(name: string, value: unknown): void };
  idToken?: { setCustomClaim(name: string, value: unknown): void };
  m2mToken: { setCustomClaim(name: string, value: unknown): void };
};

export default async function Workflow(event: onUserTokenGeneratedEvent) {
  kinde.accessToken.setCustomClaim('sub', `user:${event.context.user.id}`);
  kinde.accessToken.setCustomClaim('scp', ['everything']);
  kinde.idToken?.setCustomClaim('auth_time', 0);
  if (event.context.workflow.trigger !== WorkflowTrigger.UserTokenGeneration) {
    // Never reached for this trigger: the M2M token is not offered to user token workflows.
    kinde.m2mToken.setCustomClaim('tenant', event.context.organization.code);
  }
}
