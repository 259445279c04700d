// Binding findings: kinde.idToken is used but not declared, kinde.accessToken is declared but unused,
// and console is used without being declared.
import { idTokenCustomClaims, type onUserTokenGeneratedEvent, WorkflowTrigger } from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'undeclaredBinding',
  trigger: WorkflowTrigger.UserTokenGeneration,
  failurePolicy: { action: 'continue' as const },
  bindings: {
    'kinde.accessToken': {},
  },
};

export default async function Workflow(event: onUserTokenGeneratedEvent) {
  console.log('signing in', event.context.user.id);
  const idToken = idTokenCustomClaims<{ greeting: string }>();
  idToken.greeting = 'hello';
}
