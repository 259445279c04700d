/**
 * Requests that name several APIs at once. The docs promise it ("You can request multiple audiences", M2M token
 * structure; aud: "There can be multiple audience values, so the type of this claim is an array", access-token
 * page), yet the general scenarios reach two audiences in about 3% of runs (a tenant with two APIs, an app
 * authorized for both, a request naming both): a defect keeping only the first audience, or the scopes of one
 * API, passed 50 runs one time in five. These scenarios name at least two APIs in every run.
 */
import fc, { type Arbitrary } from 'fast-check';
import { managementApiAudience, type Api, type Application, type Tenant } from '../adapters/types.js';
import { m2mScenarioArb, scopesOf, userScenarioArb, type M2mScenario, type UserScenario } from './scenario.js';
import { apiArb } from './tenant-entities.js';

interface SeveralApis {
  tenant: Tenant;
  application: Application;
  /** Every ordinary API of the tenant (two or more), which the application is now authorized for. */
  audience: string[];
}

/** The tenant with a second ordinary API when it has only one (before the Management API, which stays last). */
function severalApis(tenant: Tenant, clientId: string, extra: Api): SeveralApis {
  const mgmt = managementApiAudience(tenant);
  const ordinary = tenant.apis.filter((a) => a.audience !== mgmt);
  const taken = new Set(tenant.apis.map((a) => a.audience));
  const added = ordinary.length >= 2 ? [] : [{ ...extra, audience: taken.has(extra.audience) ? `${extra.audience}-2` : extra.audience }];
  const apis = [...ordinary, ...added];
  const audience = apis.map((a) => a.audience);
  let application: Application | undefined;
  const applications = tenant.applications.map((a) => {
    if (a.clientId !== clientId) return a;
    application = { ...a, apis: [...new Set([...audience, ...a.apis])] };
    return application;
  });
  if (!application) throw new Error(`internal: no application ${clientId} in the tenant`);
  return { tenant: { ...tenant, apis: [...apis, ...tenant.apis.filter((a) => a.audience === mgmt)], applications }, application, audience };
}

/** A sign-in naming every ordinary API of the tenant (two or more) and asking for all their scopes, with openid. */
export function severalApisUserScenarioArb(): Arbitrary<UserScenario> {
  return fc.tuple(userScenarioArb(), apiArb).map(([s, extra]) => {
    const { tenant, application, audience } = severalApis(s.tenant, s.application.clientId, extra);
    const scopes = [...new Set(['openid', ...s.request.scopes, ...scopesOf(tenant, audience)])];
    return { ...s, tenant, application, request: { ...s.request, audience, scopes } };
  });
}

/** Client credentials naming every ordinary API of the tenant (two or more); explicit scopes, when asked, are all of theirs. */
export function severalApisM2mScenarioArb(): Arbitrary<M2mScenario> {
  return fc.tuple(m2mScenarioArb(), apiArb).map(([s, extra]) => {
    const { tenant, application, audience } = severalApis(s.tenant, s.application.clientId, extra);
    const { scopes: asked, ...rest } = s.request;
    return { tenant, application, request: { ...rest, audience, ...(asked !== undefined ? { scopes: scopesOf(tenant, audience) } : {}) } };
  });
}
