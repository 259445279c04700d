// Tokens past common size limits: the access token past 4 KB (one cookie), the ID token past 8 KB (a request header).
import {
  accessTokenCustomClaims,
  idTokenCustomClaims,
  type onUserTokenGeneratedEvent,
  WorkflowTrigger,
} from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'largeTokens',
  trigger: WorkflowTrigger.UserTokenGeneration,
  failurePolicy: { action: 'stop' as const },
  bindings: { 'kinde.accessToken': {}, 'kinde.idToken': {} },
};

export default async function Workflow(event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ entitlements: string[] }>();
  accessToken.entitlements = Array.from({ length: 120 }, (_, i) => `feature:${event.context.user.id}:${i}`.slice(0, 24));
  if (kinde.idToken) {
    const idToken = idTokenCustomClaims<{ history: string }>();
    idToken.history = 'x'.repeat(7000);
  }
}

declare const kinde: { idToken?: unknown };
