// From "M2M apps and token management": copy the calling application into the M2M token.
import {
  m2mTokenClaims,
  type onM2MTokenGeneratedEvent,
  type WorkflowSettings,
  WorkflowTrigger,
} from '@kinde/infrastructure';

export const workflowSettings: WorkflowSettings = {
  id: 'm2mApplicationId',
  name: 'M2M application id',
  trigger: WorkflowTrigger.M2MTokenGeneration,
  failurePolicy: { action: 'continue' },
  bindings: { 'kinde.m2mToken': {} },
};

declare const kinde: { m2mToken: { setCustomClaim(name: string, value: unknown): void } };

export default async function Workflow(event: onM2MTokenGeneratedEvent) {
  const m2mToken = m2mTokenClaims<{ applicationId: string }>();
  m2mToken.applicationId = event.context.application.clientId;
  // `sub` is prohibited (the library's types refuse it, so use the low-level binding):
  // a conforming issuer ignores this write.
  kinde.m2mToken.setCustomClaim('sub', 'not-allowed');
}
