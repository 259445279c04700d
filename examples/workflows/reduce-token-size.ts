// From the same tutorial: "remove" permissions and feature flags (they stay present, as [] and {}).
import {
  accessTokenCustomClaims,
  type onUserTokenGeneratedEvent,
  type WorkflowSettings,
  WorkflowTrigger,
} from '@kinde/infrastructure';

export const workflowSettings: WorkflowSettings = {
  id: 'reduceTokenSize',
  name: 'Reduce token size',
  trigger: WorkflowTrigger.UserTokenGeneration,
  failurePolicy: { action: 'stop' },
  bindings: { 'kinde.accessToken': {} },
};

export default async function Workflow(_event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ permissions: string[]; feature_flags: Record<string, unknown> }>();
  accessToken.permissions = [];
  accessToken.feature_flags = {};
}
