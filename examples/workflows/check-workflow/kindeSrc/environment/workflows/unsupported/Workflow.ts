// Uses kinde.widget (through the library's invalidateFormField), a binding the reference does not implement:
// check-workflow reports it and never judges the runs that reach it. (kinde.env, kinde.fetch, url and console
// are implemented: see examples/workflows/m2m-tutorial for the docs' M2M tutorial run on fixtures.)
import {
  invalidateFormField,
  m2mTokenClaims,
  type onM2MTokenGeneratedEvent,
  type WorkflowSettings,
  WorkflowTrigger,
} from '@kinde/infrastructure';

export const workflowSettings: WorkflowSettings = {
  id: 'm2mWidgetWorkflow',
  name: 'M2M claims behind a widget check',
  failurePolicy: { action: 'stop' },
  trigger: WorkflowTrigger.M2MTokenGeneration,
  bindings: {
    'kinde.m2mToken': {},
    'kinde.widget': {},
  },
};

export default async function Workflow(event: onM2MTokenGeneratedEvent) {
  invalidateFormField('client_id', `checked ${event.context.application.clientId}`);
  const m2mToken = m2mTokenClaims<{ applicationId: string }>();
  m2mToken.applicationId = event.context.application.clientId;
}
