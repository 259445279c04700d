/**
 * The access token's optional claims ("Token customization"): email,
 * org_name, external_organization_id and roles appear only when the
 * application includes them and the sign-in has the data, with the values of
 * the user and organization; org_code only for a sign-in to an organization;
 * ext_ claims only for enterprise (MS Entra ID) sign-ins, which the generated
 * tenants never have. Tokens a refresh issues are judged the same way.
 */
import fc from 'fast-check';
import type { JsonValue } from '../adapters/types.js';
import { userScenarioArb } from '../generators/tenant.js';
import { defineCheck, type Check } from './lib/check.js';
import { claimEquals } from './lib/conditions.js';
import { provision, refreshOnce, signInExpectingTokens } from './lib/flows.js';
import { withOpenId } from './lib/issuance.js';
import type { Decoded } from './lib/tokens.js';

const REQ = 'ACCESS-OPTIONAL-CLAIMS';

export const checks: Check<any>[] = [
  defineCheck({
    name: 'optional access-token claims appear exactly when the application includes them, with the right values',
    requirements: [REQ],
    needs: ['userTokens'],
    // Each optional claim toggled for the app under test half of the time (the tenant generator toggles them rarely).
    arbitrary: () =>
      fc.record({
        // With openid: a sign-in that skips it is another check's business.
        s: userScenarioArb().map(withOpenId),
        toggles: fc.record({ email: fc.boolean(), orgName: fc.boolean(), externalOrganizationId: fc.boolean(), roles: fc.boolean() }),
      }),
    async predicate({ s, toggles }, judge, env) {
      const { request, user } = s;
      const application = { ...s.application, tokens: { ...s.application.tokens, access: { properties: [], ...s.application.tokens.access, ...toggles } } };
      const tenant = { ...s.tenant, applications: s.tenant.applications.map((a) => (a.clientId === application.clientId ? application : a)) };
      await provision(env, judge, tenant);
      const first = await signInExpectingTokens(env, judge, request, [REQ]);
      if (!first) return;
      const org = request.orgCode === undefined ? undefined : tenant.organizations.find((o) => o.code === request.orgCode);
      // Frontend and backend apps may customize access tokens ("Customize tokens using properties").
      const c = application.tokens.access;
      const expected: Record<string, JsonValue | undefined> = {
        email: c?.email ? user.email : undefined,
        org_name: c?.orgName && org ? org.name : undefined,
        external_organization_id: c?.externalOrganizationId && org?.externalId !== undefined ? org.externalId : undefined,
        org_code: request.orgCode,
      };
      const judgeOne = (t: Decoded) => {
        for (const [claim, value] of Object.entries(expected)) {
          // org_code's value is ACCESS-ORG-CODE's; here only that there is none without an organization.
          if (claim === 'org_code' && value !== undefined) continue;
          claimEquals(judge, REQ, 'access', t, claim, value);
        }
        if (!(c?.roles && org)) claimEquals(judge, REQ, 'access', t, 'roles', undefined);
        const ext = Object.keys(t.payload).filter((k) => k.startsWith('ext_'));
        judge.check(ext.length === 0, REQ, 'ERR_CLAIM_UNEXPECTED', () => `access token carries ${ext.join(', ')} although the user did not sign in through an enterprise connection`, {
          tokenType: 'access',
          claim: ext[0] ?? 'ext_',
          token: { header: t.header, payload: t.payload },
        });
      };
      judgeOne(first.access);
      const refreshed = await refreshOnce(env, judge, application, first, [REQ]);
      if (refreshed && refreshed.access.raw !== first.access.raw) judgeOne(refreshed.access);
    },
  }),
];
