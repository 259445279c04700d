/**
 * Properties and feature flags in tokens ("Customize tokens using
 * properties", token customization, "Access tokens" feature_flags).
 */
import fc from 'fast-check';
import type { Application, JsonObject, Tenant, TokenType } from '../adapters/types.js';
import { m2mScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { defineCheck, type Check } from './lib/check.js';
import { clientCredentialsExpectingToken, provision, signInExpectingTokens } from './lib/flows.js';
import { withOpenId } from './lib/issuance.js';
import { jsonEqual, own } from './lib/json.js';
import type { Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

/** Which token types an app kind may customize (verbatim rules of the properties page). */
const CUSTOMIZABLE: Record<Application['kind'], TokenType[]> = {
  backend: ['access', 'id', 'm2m'],
  frontend: ['access', 'id'],
  m2m: ['m2m'],
};
const CLAIM_OF = { user: 'user_properties', organization: 'organization_properties', application: 'application_properties' } as const;

/** Toggle a generated selection of ALL properties (private ones too) for every token type of the app. */
function toggleAll(tenant: Tenant, clientId: string, masks: boolean[][]): Tenant {
  const keys = tenant.properties.map((p) => p.key);
  const pick = (i: number) => keys.filter((_, j) => masks[i]?.[j % (masks[i]?.length || 1)] ?? false);
  return {
    ...tenant,
    applications: tenant.applications.map((a) =>
      a.clientId !== clientId
        ? a
        : {
            ...a,
            tokens: {
              access: { ...a.tokens.access, properties: pick(0) },
              id: { ...a.tokens.id, properties: pick(1) },
              m2m: { ...a.tokens.m2m, properties: pick(2) },
            },
          },
    ),
  };
}

const masksArb = fc.array(fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), { minLength: 3, maxLength: 3 });

/**
 * Judge one token's property claims: private ones never appear; public toggled
 * ones appear exactly where the app kind allows, as {key: {v}} with the stored value.
 */
function judgeProperties(
  judge: Judge,
  type: TokenType,
  t: Decoded,
  tenant: Tenant,
  app: Application,
  values: Record<keyof typeof CLAIM_OF, Record<string, unknown> | undefined>,
  contexts: Array<keyof typeof CLAIM_OF>,
): void {
  const token = { header: t.header, payload: t.payload };
  const toggled = new Set(app.tokens[type]?.properties ?? []);
  const allowed = CUSTOMIZABLE[app.kind].includes(type);
  for (const ctx of contexts) {
    const claim = CLAIM_OF[ctx];
    const actual = own(t.payload, claim);
    const defs = tenant.properties.filter((p) => p.context === ctx);
    const present = actual && typeof actual === 'object' && !Array.isArray(actual) ? Object.keys(actual) : [];
    const leaked = present.filter((k) => defs.some((p) => p.key === k && !p.public));
    judge.check(leaked.length === 0, 'PROP-PUBLIC-ONLY', 'ERR_CLAIM_UNEXPECTED', () => `${type} token ${claim} carries non-public properties: ${leaked.join(', ')}`, {
      tokenType: type,
      claim,
      actual: actual ?? null,
      token,
    });
    const src = values[ctx] ?? {};
    const expected: JsonObject = {};
    if (allowed) {
      for (const p of defs) if (p.public && toggled.has(p.key) && Object.hasOwn(src, p.key)) expected[p.key] = { v: src[p.key] as never };
    }
    const publicPresent = present.filter((k) => !leaked.includes(k)).sort();
    const wantKeys = Object.keys(expected).sort();
    judge.check(
      jsonEqual(publicPresent, wantKeys),
      'PROP-BY-APP-KIND',
      'ERR_CLAIM_MISMATCH',
      () => `${type} token of a ${app.kind} app: ${claim} has [${publicPresent.join(', ')}], expected [${wantKeys.join(', ')}]${allowed ? '' : ` (a ${app.kind} app cannot customize ${type} tokens)`}`,
      { tokenType: type, claim, expected: wantKeys, actual: publicPresent, token },
    );
    for (const k of wantKeys) {
      const got = own(actual, k);
      judge.check(jsonEqual(got, expected[k]), 'PROP-SHAPE', 'ERR_CLAIM_MISMATCH', () => `${type} token ${claim}.${k} is ${JSON.stringify(got) ?? '(absent)'}, expected ${JSON.stringify(expected[k])}`, {
        tokenType: type,
        claim: `${claim}.${k}`,
        expected: expected[k],
        actual: got,
        token,
      });
    }
  }
}

const PROP_REQS = ['PROP-PUBLIC-ONLY', 'PROP-BY-APP-KIND', 'PROP-SHAPE'];

export const checks: Check<any>[] = [
  defineCheck({
    name: 'properties in user tokens: public, toggled, in the right claim, for the app kind',
    requirements: PROP_REQS,
    needs: ['userTokens', 'properties'],
    arbitrary: () => fc.record({ s: userScenarioArb().map(withOpenId), masks: masksArb }),
    async predicate({ s, masks }, judge, env) {
      const tenant = toggleAll(s.tenant, s.application.clientId, masks);
      const app = tenant.applications.find((a) => a.clientId === s.application.clientId)!;
      await provision(env, judge, tenant);
      const t = await signInExpectingTokens(env, judge, s.request, PROP_REQS);
      if (!t) return;
      const org = s.request.orgCode ? tenant.organizations.find((o) => o.code === s.request.orgCode) : undefined;
      const values = { user: s.user.properties, organization: org?.properties, application: app.properties };
      const contexts: Array<keyof typeof CLAIM_OF> = org ? ['user', 'organization', 'application'] : ['user', 'application'];
      judgeProperties(judge, 'access', t.access, tenant, app, values, contexts);
      if (t.id) judgeProperties(judge, 'id', t.id, tenant, app, values, contexts);
    },
  }),
  defineCheck({
    name: 'properties in M2M tokens: public, toggled, application properties',
    requirements: PROP_REQS,
    needs: ['m2m', 'properties'],
    arbitrary: () => fc.record({ s: m2mScenarioArb(), masks: masksArb }),
    async predicate({ s, masks }, judge, env) {
      const tenant = toggleAll(s.tenant, s.application.clientId, masks);
      const app = tenant.applications.find((a) => a.clientId === s.application.clientId)!;
      await provision(env, judge, tenant);
      const t = await clientCredentialsExpectingToken(env, judge, s.request, PROP_REQS);
      if (!t) return;
      judgeProperties(judge, 'm2m', t.token, tenant, app, { user: undefined, organization: undefined, application: app.properties }, ['application']);
      const usr = own(t.token.payload, 'user_properties');
      judge.check(usr === undefined, 'PROP-BY-APP-KIND', 'ERR_CLAIM_UNEXPECTED', 'an M2M token carries user_properties', { tokenType: 'm2m', claim: 'user_properties', actual: usr });
    },
  }),
  defineCheck({
    name: 'feature flags use the t/v short codes with a value of the matching type',
    requirements: ['FLAGS-SHAPE'],
    needs: ['featureFlags'],
    arbitrary: () => fc.record({ user: userScenarioArb(), m2m: m2mScenarioArb() }),
    async predicate({ user, m2m }, judge, env) {
      const tokens: Array<[TokenType, Decoded, Tenant]> = [];
      if (env.info.capabilities.userTokens) {
        await provision(env, judge, user.tenant);
        const t = await signInExpectingTokens(env, judge, user.request, ['FLAGS-SHAPE']);
        if (t) tokens.push(['access', t.access, user.tenant]);
      }
      if (env.info.capabilities.m2m) {
        await provision(env, judge, m2m.tenant);
        const t = await clientCredentialsExpectingToken(env, judge, m2m.request, ['FLAGS-SHAPE']);
        if (t) tokens.push(['m2m', t.token, m2m.tenant]);
      }
      for (const [type, t, tenant] of tokens) {
        const flags = own(t.payload, 'feature_flags');
        if (flags === undefined) continue;
        const entries = flags && typeof flags === 'object' && !Array.isArray(flags) ? Object.entries(flags) : [];
        judge.check(entries.length > 0 || (typeof flags === 'object' && flags !== null && !Array.isArray(flags)), 'FLAGS-SHAPE', 'ERR_CLAIM_INVALID', `${type} token feature_flags is not an object`, {
          tokenType: type,
          claim: 'feature_flags',
          actual: flags,
        });
        for (const [key, f] of entries) {
          const tcode = own(f, 't');
          const v = own(f, 'v');
          const typed = (tcode === 'b' && typeof v === 'boolean') || (tcode === 's' && typeof v === 'string') || (tcode === 'i' && Number.isInteger(v));
          const declared = tenant.featureFlags.find((x) => x.key === key)?.type;
          judge.check(typed && (declared === undefined || declared === tcode), 'FLAGS-SHAPE', 'ERR_CLAIM_INVALID', () => `${type} token feature_flags.${key} is ${JSON.stringify(f)}; the flag is of type "${declared ?? '?'}"`, {
            tokenType: type,
            claim: `feature_flags.${key}`,
            ...(declared ? { expected: { t: declared, v: '<value of that type>' } } : {}),
            actual: f,
            token: { header: t.header, payload: t.payload },
          });
        }
      }
    },
  }),
  defineCheck({
    name: "access tokens carry the environment's feature flags with the values of the organization signed in to",
    requirements: ['ACCESS-FLAGS'],
    needs: ['userTokens', 'featureFlags'],
    arbitrary: () => userScenarioArb(),
    async predicate({ tenant, request, user }, judge, env) {
      await provision(env, judge, tenant);
      const t = await signInExpectingTokens(env, judge, request, ['ACCESS-FLAGS']);
      if (!t) return;
      const overrides = user.memberships.find((m) => m.orgCode === request.orgCode)?.featureFlags ?? {};
      const expected: JsonObject = {};
      for (const f of tenant.featureFlags) expected[f.key] = { t: f.type, v: Object.hasOwn(overrides, f.key) ? overrides[f.key]! : f.value };
      const actual = own(t.access.payload, 'feature_flags');
      // No flags in the environment: the claim may be left out.
      const ok = jsonEqual(actual, expected) || (tenant.featureFlags.length === 0 && actual === undefined);
      judge.check(ok, 'ACCESS-FLAGS', actual === undefined ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_MISMATCH', () => `access token feature_flags ${JSON.stringify(actual) ?? '(absent)'}; the environment's flags for this sign-in: ${JSON.stringify(expected)}`, {
        tokenType: 'access',
        claim: 'feature_flags',
        expected,
        actual,
        token: { header: t.access.header, payload: t.access.payload },
      });
    },
  }),
];
