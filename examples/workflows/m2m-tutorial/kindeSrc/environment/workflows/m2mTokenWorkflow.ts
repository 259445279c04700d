// The docs' "M2M apps and token management" tutorial workflow
// (https://docs.kinde.com/workflows/workflow-tutorials/m2m-apps-and-token-management/): on every M2M token, look
// up the application's org_code property and that organization through the Kinde Management API, and put them in
// the token. Run it on fixtures (nothing leaves the machine):
//   npx kinde-token-conformance check-workflow examples/workflows/m2m-tutorial --fixtures=examples/workflows/m2m-tutorial/fixtures.json
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
  // Reads KINDE_WF_M2M_CLIENT_ID / KINDE_WF_M2M_CLIENT_SECRET with kinde.env and asks {kindeDomain}/oauth2/token.
  const kindeAPI = await createKindeAPI(event);
  const clientId = event.context.application.clientId;
  const { data: props } = await kindeAPI.get({ endpoint: `applications/${clientId}/properties` });
  const orgCode = props.properties?.find((p: { key: string }) => p.key === 'org_code')?.value;
  const { data: org } = await kindeAPI.get({ endpoint: `organization?code=${orgCode}` });

  const m2mToken = m2mTokenClaims<{ applicationId: string; orgCode: string; orgName: string }>();
  m2mToken.applicationId = clientId;
  m2mToken.orgCode = orgCode;
  m2mToken.orgName = org.name;
}
