// Values JSON changes or cannot represent.
import { accessTokenCustomClaims, type onUserTokenGeneratedEvent, WorkflowTrigger } from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'jsonValues',
  trigger: WorkflowTrigger.UserTokenGeneration,
  failurePolicy: { action: 'continue' as const },
  bindings: { 'kinde.accessToken': {} },
};

export default async function Workflow(event: onUserTokenGeneratedEvent) {
  const claims = accessTokenCustomClaims<Record<string, unknown>>();
  claims.signedInAt = new Date(1_700_000_000_000);
  claims.score = Number('not a number');
  claims.profile = { nickname: undefined, greet() {}, tags: ['a', undefined] };
  claims.roles = new Set(['admin']);
  if (event.context.organization.code) {
    const tree: Record<string, unknown> = { name: 'root' };
    tree.self = tree;
    claims.tree = tree;
  } else {
    claims.quota = 2n ** 64n;
  }
}
