// From "Tutorial - Customize tokens using workflows": add a custom claim to the access token.
import {
  accessTokenCustomClaims,
  type onUserTokenGeneratedEvent,
  type WorkflowSettings,
  WorkflowTrigger,
} from '@kinde/infrastructure';

export const workflowSettings: WorkflowSettings = {
  id: 'addCustomClaimWorkflow',
  name: 'Add Custom Claim Workflow',
  trigger: WorkflowTrigger.UserTokenGeneration,
  failurePolicy: { action: 'stop' },
  bindings: {
    'kinde.accessToken': {}, // required to modify access token claims
    url: {}, // required for URL parameters
  },
};

export default async function Workflow(_event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ companyName: string }>();
  accessToken.companyName = 'Acme Inc.';
}
