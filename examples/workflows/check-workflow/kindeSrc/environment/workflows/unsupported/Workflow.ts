// In the style of the docs' "M2M apps and token management" tutorial: reads the M2M app's properties through
// the Kinde Management API (kinde.fetch, kinde.env, url), which the reference does not implement yet.
import {
  createKindeAPI,
  m2mTokenClaims,
  type onM2MTokenGeneratedEvent,
  type WorkflowSettings,
  WorkflowTrigger,
} from '@kinde/infrastructure';

export const workflowSettings: WorkflowSettings = {
  id: 'm2mTokenGeneration',
  name: 'M2M custom claims',
  failurePolicy: { action: 'stop' },
  trigger: WorkflowTrigger.M2MTokenGeneration,
  bindings: {
    'kinde.m2mToken': {},
    'kinde.fetch': {},
    'kinde.env': {},
    url: {},
  },
};

export default async function Workflow(event: onM2MTokenGeneratedEvent) {
  const kindeAPI = await createKindeAPI(event);
  const clientId = event.context.application.clientId;
  const { data } = await kindeAPI.get({ endpoint: `applications/${clientId}/properties` });
  const orgCode = data.properties?.find((p: { key: string }) => p.key === 'org_code')?.value;
  const m2mToken = m2mTokenClaims<{ applicationId: string; orgCode: string }>();
  m2mToken.applicationId = clientId;
  m2mToken.orgCode = orgCode;
}
