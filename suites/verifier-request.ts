/**
 * What a real API reads besides the token (issue 18): the request around it
 * and the claims next to the compared one. The docs' middleware reads the
 * token from `Authorization`, `org_code` from the verified token and the org
 * from the route, and says to treat `org_code` "as a **binding contract** —
 * never override it with user input". So:
 *
 * - query parameters and headers naming an org never turn a refusal into an
 *   acceptance (tried with org-scoped and global M2M tokens and with user
 *   access tokens with and without org_code);
 * - `org_code` alone decides: `org_codes`, `org_name`, `orgCode` naming the
 *   route org do not stand in for it, and an `org_code` that is not a string
 *   (an array, a number, an object: JavaScript's loose equality) never matches;
 * - several Authorization headers are judged as one token, never the
 *   signature of one and the claims of another;
 * - the scheme's letter case does not matter (RFC 9110 §11.1), a warning;
 * - and every valid token for the route org is still accepted whatever
 *   unrelated input and claims come with it.
 */
import fc from 'fast-check';
import type { JsonObject } from '../adapters/types.js';
import type { RequestShape, VerificationContext } from '../adapters/verifier-types.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import type { Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';
import { contextFor, describeVerdict, present, requireAccepted, rootSet, shown, signed, verifierOf } from './verifier-lib.js';
import { issueScenario, scenarioArb, type IssuedSet } from './verifier-scenario.js';

/** Names under which APIs take an org from the request; every run sends all of them (plus generated ones). */
export const ORG_QUERY_NAMES = ['org_code', 'orgCode', 'org', 'organization', 'org_id', 'organization_code'] as const;
export const ORG_HEADER_NAMES = ['x-org-code', 'x-org-id', 'x-organization', 'x-kinde-org-code', 'org-code'] as const;
/** Claims that name orgs beside org_code (ID token `org_codes`, access token `org_name`, the M2M tutorial's custom `orgCode`). */
export const SIBLING_CLAIMS = ['org_codes', 'org_name', 'orgCode', 'external_organization_id'] as const;

export type TokenChoice = 'org-m2m' | 'global-m2m' | 'access' | 'access-no-org';
const TOKEN_CHOICES: TokenChoice[] = ['org-m2m', 'global-m2m', 'access', 'access-no-org'];

/** The issued token for `choice` (user access tokens with org_code removed and re-signed for access-no-org). */
export function tokenFor(issued: IssuedSet, choice: TokenChoice): { token: Decoded; payload: JsonObject } | undefined {
  const t = choice === 'org-m2m' ? issued.orgM2m : choice === 'global-m2m' ? issued.globalM2m : issued.access;
  if (!t) return undefined;
  const payload: JsonObject = { ...t.payload };
  if (choice === 'access-no-org') delete payload.org_code;
  return { token: t, payload };
}

const extraNameArb = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);

/** User input naming `org` under every name, plus generated names (query and headers). */
export function userInput(org: string, extra: { query: string[]; header: string[] }): RequestShape {
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const n of [...ORG_QUERY_NAMES, ...extra.query]) query[n] = org;
  for (const n of [...ORG_HEADER_NAMES, ...extra.header.map((h) => `x-${h}`)]) headers[n] = org;
  return { query, headers };
}

const withRequest = (ctx: VerificationContext, request: RequestShape): VerificationContext => ({ ...ctx, request });

function judgeRefused(judge: Judge, requirement: string, v: Awaited<ReturnType<typeof present>>, what: string): void {
  judge.check(!v.accepted, requirement, 'ERR_REQUEST_ACCEPTED', () => `${what} was ${describeVerdict(v)}`, { expected: 'rejected', actual: describeVerdict(v) });
}

const userInputCheck = defineCheck({
  name: 'org named by query parameters or headers never overrides the token: a token for another org, or none, stays refused',
  requirements: ['VERIFY-ORG-USER-INPUT'],
  needs: [],
  verifierNeeds: ['orgEnforcement', 'httpRequest'],
  arbitrary: (env: CheckEnv) =>
    fc.record({
      s: scenarioArb(env.verifier?.info),
      token: fc.constantFrom(...TOKEN_CHOICES),
      extra: fc.record({ query: fc.array(extraNameArb, { maxLength: 2 }), header: fc.array(extraNameArb, { maxLength: 2 }) }),
    }),
  async predicate({ s, token: choice, extra }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-USER-INPUT']);
    const t = tokenFor(issued, choice);
    if (!t) return;
    const set = await rootSet(env, issued.issuer);
    const tokenOrg = typeof t.payload.org_code === 'string' ? t.payload.org_code : undefined;
    // The route names an org the token is not for; user input names the route's org, then the token's.
    const route = tokenOrg === s.orgB ? s.orgA : s.orgB;
    const raw = signed(t.token, t.payload);
    const ctx = contextFor(s, issued.issuer, set, route);
    judge.trace.token = shown(raw);
    for (const [named, org] of [['the route org', route], ...(tokenOrg ? [['the token org', tokenOrg]] : [])] as Array<[string, string]>) {
      const request = userInput(org, extra);
      judge.trace.request = { route: `/orgs/${route}/users`, tokenOrg: tokenOrg ?? '(none)', token: choice, ...(request as JsonObject) };
      const v = await present(env, raw, withRequest(ctx, request));
      judgeRefused(judge, 'VERIFY-ORG-USER-INPUT', v, `a ${choice} token (org_code ${tokenOrg ?? 'absent'}) on /orgs/${route}/users with query parameters and headers naming ${named} (${org})`);
    }
  },
});

/** org_code shapes that are not the route's string: each must be refused. */
type Shape = { siblings: Array<(typeof SIBLING_CLAIMS)[number]> } | { type: 'array' | 'nested-array' | 'object' | 'number' };

// Every run: all siblings at once, a generated subset, and every non-string type of org_code.
const shapeArb: fc.Arbitrary<Shape[]> = fc
  .subarray([...SIBLING_CLAIMS], { minLength: 1 })
  .map((subset) => [{ siblings: [...SIBLING_CLAIMS] }, { siblings: subset }, ...(['array', 'nested-array', 'object', 'number'] as const).map((type) => ({ type }))]);

function describeShape(shape: Shape): string {
  return 'siblings' in shape ? `${shape.siblings.join(', ')} naming the route org` : `org_code as ${shape.type === 'number' ? 'a number equal to the numeric route org' : `${shape.type === 'object' ? 'an object' : `an ${shape.type}`} holding the route org`}`;
}

const orgClaimOnly = defineCheck({
  name: 'org_code alone decides: org_codes, org_name, orgCode naming the route org and non-string org_code values are refused',
  requirements: ['VERIFY-ORG-MISMATCH', 'VERIFY-ORG-MISSING-403'],
  needs: [],
  verifierNeeds: ['orgEnforcement'],
  arbitrary: (env: CheckEnv) => fc.record({ s: scenarioArb(env.verifier?.info), token: fc.constantFrom(...TOKEN_CHOICES), shapes: shapeArb, numeric: fc.integer({ min: 1, max: 999_999_999 }) }),
  async predicate({ s, token: choice, shapes, numeric }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-MISMATCH']);
    const t = tokenFor(issued, choice);
    if (!t) return;
    const set = await rootSet(env, issued.issuer);
    const tokenOrg = typeof t.payload.org_code === 'string' ? t.payload.org_code : undefined;
    for (const shape of shapes) {
      let route = tokenOrg === s.orgB ? s.orgA : s.orgB;
      const payload: JsonObject = { ...t.payload };
      if ('siblings' in shape) {
        for (const c of shape.siblings) payload[c] = c === 'org_codes' ? [...(tokenOrg ? [tokenOrg] : []), route] : route;
      } else {
        if (shape.type === 'number') route = String(numeric);
        payload.org_code = { array: [route], 'nested-array': [[route]], object: { 0: route, org_code: route }, number: numeric }[shape.type];
      }
      const requirement = payload.org_code === undefined ? 'VERIFY-ORG-MISSING-403' : 'VERIFY-ORG-MISMATCH';
      const raw = signed(t.token, payload);
      judge.trace.token = { header: shown(raw).header, payload };
      judge.trace.request = { route: `/orgs/${route}/users`, token: choice, shape: describeShape(shape) };
      const v = await present(env, raw, contextFor(s, issued.issuer, set, route));
      judgeRefused(judge, requirement, v, `a ${choice} token (org_code ${JSON.stringify(payload.org_code ?? null)}) with ${describeShape(shape)} on /orgs/${route}/users`);
    }
  },
});

/** A valid token for `org` (the route's) from the scenario, preferring `choice`. */
function validFor(issued: IssuedSet, choice: 'org-m2m' | 'access'): Decoded | undefined {
  return choice === 'access' ? issued.access ?? issued.orgM2m : issued.orgM2m ?? issued.access;
}

const oneToken = defineCheck({
  name: 'several Authorization headers are judged as one token: never the signature of one and the claims of another',
  requirements: ['VERIFY-AUTH-ONE-TOKEN'],
  needs: [],
  verifierNeeds: ['httpRequest'],
  arbitrary: (env: CheckEnv) => fc.record({ s: scenarioArb(env.verifier?.info), token: fc.constantFrom<'org-m2m' | 'access'>('org-m2m', 'access'), agoSeconds: fc.integer({ min: 120, max: 86_400 }) }),
  async predicate({ s, token: choice, agoSeconds }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-AUTH-ONE-TOKEN']);
    const token = validFor(issued, choice);
    if (!token) return;
    const org = typeof token.payload.org_code === 'string' ? token.payload.org_code : undefined;
    const ctx = contextFor(s, issued.issuer, await rootSet(env, issued.issuer), org);
    await requireAccepted(env, signed(token), ctx);
    // Alone, neither is acceptable: an expired token with a valid signature, and its claims made valid under that same signature.
    const now = Math.floor(Date.now() / 1000);
    const tolerance = verifierOf(env).info.clockToleranceSeconds ?? 0;
    const expired = signed(token, { ...token.payload, iat: now - agoSeconds - 3_600 - tolerance, exp: now - agoSeconds - tolerance });
    const [h, , sig] = expired.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...token.payload, iat: now, exp: now + 3_600 })).toString('base64url')}.${sig}`;
    const shapes: Array<[string, string[]]> = [
      ['the expired token first, the forged one second', [`Bearer ${expired}`, `Bearer ${forged}`]],
      ['the forged token first, the expired one second', [`Bearer ${forged}`, `Bearer ${expired}`]],
      ['both in one header, comma-separated', [`Bearer ${expired}, Bearer ${forged}`]],
    ];
    for (const [how, authorization] of shapes) {
      judge.trace.token = shown(forged);
      judge.trace.request = { authorization: authorization.map((l) => `${l.slice(0, 24)}… (${l.length} chars)`), how };
      const v = await present(env, undefined, withRequest(ctx, { authorization }));
      judgeRefused(judge, 'VERIFY-AUTH-ONE-TOKEN', v, `a request with ${how} (an expired token validly signed, and its claims renewed under the same signature)`);
    }
  },
});

const schemeCase = defineCheck({
  name: 'the Bearer scheme is accepted in any letter case',
  requirements: ['VERIFY-BEARER-CASE'],
  needs: [],
  verifierNeeds: ['httpRequest'],
  arbitrary: (env: CheckEnv) =>
    fc.record({
      s: scenarioArb(env.verifier?.info),
      token: fc.constantFrom<'org-m2m' | 'access'>('org-m2m', 'access'),
      scheme: fc.mixedCase(fc.constant('bearer')).filter((x) => x !== 'Bearer'),
    }),
  async predicate({ s, token: choice, scheme }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-BEARER-CASE']);
    const token = validFor(issued, choice);
    if (!token) return;
    const org = typeof token.payload.org_code === 'string' ? token.payload.org_code : undefined;
    const ctx = contextFor(s, issued.issuer, await rootSet(env, issued.issuer), org);
    const raw = signed(token);
    await requireAccepted(env, raw, ctx);
    // Every run tries the all-lower and all-upper forms too (the M2M tutorial's token_type is "bearer").
    for (const form of [...new Set(['bearer', 'BEARER', scheme])]) {
      judge.trace.token = shown(raw);
      judge.trace.request = { authorization: `${form} <token>` };
      const v = await present(env, undefined, withRequest(ctx, { authorization: [`${form} ${raw}`] }));
      judge.check(v.accepted, 'VERIFY-BEARER-CASE', 'ERR_REQUEST_REFUSED', () => `a valid token sent as "Authorization: ${form} <token>" was ${describeVerdict(v)} (accepted as "Bearer")`, {
        expected: 'accepted',
        actual: describeVerdict(v),
      });
    }
  },
});

const unrelatedArb = fc.record({
  query: fc.dictionary(fc.constantFrom('page', 'limit', 'q', 'sort', 'include'), fc.stringMatching(/^[a-z0-9]{1,8}$/), { maxKeys: 3 }),
  headers: fc.dictionary(fc.constantFrom('x-request-id', 'accept-language', 'x-forwarded-for'), fc.stringMatching(/^[a-z0-9.]{1,12}$/), { maxKeys: 2 }),
  sameOrgInput: fc.boolean(),
  siblings: fc.subarray([...SIBLING_CLAIMS]),
});

const matchWithInput = defineCheck({
  name: 'a valid token for the route org is accepted whatever unrelated input, input naming its own org, and sibling claims come with it',
  requirements: ['VERIFY-ORG-MATCH'],
  needs: [],
  verifierNeeds: ['orgEnforcement', 'httpRequest'],
  arbitrary: (env: CheckEnv) => fc.record({ s: scenarioArb(env.verifier?.info), token: fc.constantFrom<'org-m2m' | 'access'>('org-m2m', 'access'), input: unrelatedArb }),
  async predicate({ s, token: choice, input }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-MATCH']);
    const token = validFor(issued, choice);
    if (!token || typeof token.payload.org_code !== 'string') return;
    const org = token.payload.org_code;
    const payload: JsonObject = { ...token.payload };
    // Siblings naming other orgs too (a user belongs to several): only org_code is compared.
    for (const c of input.siblings) payload[c] = c === 'org_codes' ? [s.orgB, org] : c === 'org_name' ? 'Org A' : s.orgB;
    const request: RequestShape = { query: { ...input.query }, headers: { ...input.headers } };
    if (input.sameOrgInput) Object.assign(request, { query: { ...request.query, ...userInput(org, { query: [], header: [] }).query }, headers: { ...request.headers, ...userInput(org, { query: [], header: [] }).headers } });
    const raw = signed(token, payload);
    judge.trace.token = { header: shown(raw).header, payload };
    judge.trace.request = { route: `/orgs/${org}/users`, token: choice, ...(request as JsonObject) };
    const v = await present(env, raw, withRequest(contextFor(s, issued.issuer, await rootSet(env, issued.issuer), org), request));
    judge.check(v.accepted, 'VERIFY-ORG-MATCH', 'ERR_REQUEST_REFUSED', () => `a valid ${choice} token for ${org} on /orgs/${org}/users with ${input.siblings.length ? input.siblings.join(', ') : 'no sibling claims'} and request input ${JSON.stringify(request).slice(0, 200)} was ${describeVerdict(v)}`, {
      claim: 'org_code',
      expected: 'accepted',
      actual: describeVerdict(v),
    });
  },
});

export const checks: Check<any>[] = [userInputCheck, orgClaimOnly, oneToken, schemeCase, matchWithInput];
