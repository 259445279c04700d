// Never finishes on a refresh; failurePolicy continue, so tokens are issued without its claims.
import { accessTokenCustomClaims, type onUserTokenGeneratedEvent, WorkflowTrigger } from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'refreshLoop',
  trigger: WorkflowTrigger.UserTokenGeneration,
  failurePolicy: { action: 'continue' as const },
  bindings: { 'kinde.accessToken': {} },
};

export default async function Workflow(event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ refreshedAt: number }>();
  let attempts = 0;
  while (event.context.auth.origin === 'refresh_token_request') {
    attempts++; // waits for something that never changes
  }
  accessToken.refreshedAt = attempts;
}
