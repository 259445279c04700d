// A clean workflow: every binding it declares is used, every binding it uses is declared.
import {
  accessTokenCustomClaims,
  idTokenCustomClaims,
  type onUserTokenGeneratedEvent,
  type WorkflowSettings,
  WorkflowTrigger,
} from '@kinde/infrastructure';
import { planName } from './planName';

export const workflowSettings: WorkflowSettings = {
  id: 'cleanPlanClaims',
  name: 'Plan claims',
  trigger: WorkflowTrigger.UserTokenGeneration,
  failurePolicy: { action: 'stop' },
  bindings: {
    'kinde.accessToken': {},
    'kinde.idToken': {},
    console: {},
  },
};

export default async function Workflow(event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ plan: string; signedInVia: string }>();
  accessToken.plan = planName(event.context.organization?.code ?? null);
  accessToken.signedInVia = event.context.auth.origin;
  if (event.request.auth.audience.length > 0) {
    console.log('plan claims added for', event.context.user.id);
  }
  // The ID token exists only when the sign-in asked for openid.
  if (typeof kinde !== 'undefined' && kinde.idToken) {
    const idToken = idTokenCustomClaims<{ plan: string }>();
    idToken.plan = accessToken.plan;
  }
}

declare const kinde: { idToken?: unknown };
