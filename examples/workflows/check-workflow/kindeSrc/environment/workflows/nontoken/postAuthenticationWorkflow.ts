// not-run: a post-authentication workflow. check-workflow runs token workflows only: this one gets the static
// checks (here: console used without console: {}) and is shown "not run", never ✓.
import { type onPostAuthenticationEvent, WorkflowTrigger } from '@kinde/infrastructure';

export const workflowSettings = {
  id: 'postAuthentication',
  trigger: WorkflowTrigger.PostAuthentication,
  bindings: {},
};

export default async function Workflow(event: onPostAuthenticationEvent) {
  console.log('signed in', event.context.user.id);
}
