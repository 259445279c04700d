/**
 * The authorization-code grant and the token endpoint's error codes (RFC 6749
 * §4.1.2, §4.1.3, §5.2; RFC 7636 §4.6; the docs show the flow, not its rules),
 * through capability `codeExchange`: the suite stops each sign-in at its code,
 * bound to a PKCE challenge and a redirect URI, and presents the code itself.
 *
 * - Bindings and single use, model-based (lib/code-model.ts): several codes per
 *   run, each presented in a generated order with every binding right or wrong
 *   in one of several ways (another verifier, a near miss, the challenge itself,
 *   none; another host, a trailing slash, a query, the path's case, none; another
 *   application of the environment), and again after its exchange.
 * - A replayed code's refresh tokens are revoked (a SHOULD: warning).
 * - Error codes of the other causes: an unknown code or refresh token, an unknown
 *   grant type, a failed client authentication, in a generated order.
 */
import fc from 'fast-check';
import { AdapterError, type Adapter, type Application, type AuthorizeResult, type TokenResult } from '../adapters/types.js';
import { userScenarioArb, type UserScenario } from '../generators/tenant.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import {
  allowedErrors,
  answer,
  attemptArb,
  challengeOf,
  describeAttempt,
  exchangeFor,
  otherClientArb,
  REQ,
  RIGHT,
  verifierArb,
  wrongRedirectArb,
  wrongVerifierArb,
  type Attempt,
  type BoundCode,
  type CodeState,
} from './lib/code-model.js';
import { provision, refusalExcused, refused } from './lib/flows.js';
import type { Judge } from './lib/violation.js';
import { otherApplication } from './refresh-client.js';

const REVOKES = 'CODE-REUSE-REVOKES';
const NEEDS = ['userTokens', 'codeExchange'] as const;

/** The scenario's tenant with another application of the same kind (the other client). */
function withOtherClient(s: UserScenario): UserScenario {
  const other = otherApplication(s.application);
  if (s.tenant.applications.some((a) => a.clientId === other.clientId)) return s;
  return { ...s, tenant: { ...s.tenant, applications: [...s.tenant.applications, other] } };
}

const scenarioArb = fc.noShrink(userScenarioArb({ maxUsers: 1, maxOrganizations: 1, maxExtraApplications: 0 }).map(withOtherClient));

/** The adapter's code-exchange methods: declaring `codeExchange` without them is a broken adapter, said so. */
function codeApi(env: CheckEnv): Required<Pick<Adapter, 'authorize' | 'exchangeCode' | 'tokenRequest'>> {
  const { authorize, exchangeCode, tokenRequest } = env.adapter;
  if (!authorize || !exchangeCode || !tokenRequest) {
    throw new AdapterError('ERR_TARGET_PROTOCOL', `${env.adapter.name} declares capability codeExchange without authorize(), exchangeCode() and tokenRequest() (docs/writing-an-adapter.md)`);
  }
  return { authorize: authorize.bind(env.adapter), exchangeCode: exchangeCode.bind(env.adapter), tokenRequest: tokenRequest.bind(env.adapter) };
}

function log(judge: Judge, line: string): void {
  (judge.trace.commands ??= []).push(line);
}

/** A sign-in stopped at its code, bound to a fresh challenge and the adapter's redirect URI; null (judged) when refused. */
async function authorize(env: CheckEnv, judge: Judge, s: UserScenario, verifier: string, label: string, blame: readonly string[]): Promise<BoundCode | null> {
  const a: AuthorizeResult = await codeApi(env).authorize({ ...s.request, codeChallenge: challengeOf(verifier) });
  log(judge, `${label}: sign-in (PKCE S256, redirect_uri bound) → ${a.ok ? 'code' : `HTTP ${a.status} ${a.error}`}`);
  if (!a.ok) {
    if (refusalExcused(judge, s.request)) return null;
    const req = blame.find((r) => judge.focused(r));
    if (req) refused(judge, req, a, 'sign-in (authorization)');
    return null;
  }
  return { code: a.code, verifier, redirectUri: a.redirectUri };
}

interface BindingInput {
  scenario: UserScenario;
  /** Per code, its attempts in order. */
  codes: Attempt[][];
  verifiers: string[];
}

/** Every kind first (a right exchange and its replay, each wrong binding), in a generated order; then generated codes. */
const codesArb: fc.Arbitrary<Attempt[][]> = fc
  .tuple(
    fc.tuple(fc.constant<Attempt[]>([RIGHT, RIGHT]), wrongVerifierArb.map((a) => [a, RIGHT]), wrongRedirectArb.map((a) => [a, RIGHT]), otherClientArb.map((a) => [a, RIGHT])),
    fc.array(fc.array(attemptArb, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
  )
  .chain(([prefix, rest]) => fc.shuffledSubarray(prefix, { minLength: prefix.length, maxLength: prefix.length }).map((p) => [...p, ...rest]));

async function runCodes(input: BindingInput, judge: Judge, env: CheckEnv): Promise<void> {
  const s = input.scenario;
  await provision(env, judge, s.tenant);
  const own = s.application;
  const other = otherApplication(own);
  const bound: Array<BoundCode | null> = [];
  for (let i = 0; i < input.codes.length; i++) {
    bound.push(await authorize(env, judge, s, input.verifiers[i % input.verifiers.length]!, `code#${i + 1}`, [REQ.singleUse, REQ.pkce, REQ.redirect, REQ.client, REQ.errors]));
  }
  for (let i = 0; i < input.codes.length; i++) {
    const b = bound[i];
    if (!b) continue;
    let state: CodeState = 'fresh';
    for (const a of input.codes[i]!) {
      const { request, wrong, missingOnly } = exchangeFor(a, b, own, other);
      const result = await codeApi(env).exchangeCode(request);
      log(judge, `code#${i + 1} (${state}): exchange(${describeAttempt(a)}) → ${answer(result)}`);
      judge.trace.request = { grantType: 'authorization_code', clientId: request.clientId, code: `code#${i + 1}`, ...(request.redirectUri !== undefined ? { redirectUri: request.redirectUri } : {}), ...(request.codeVerifier !== undefined ? { codeVerifier: a.verifier } : {}) };
      state = judgeExchange(judge, a, wrong, missingOnly, state, result);
    }
  }
}

function judgeExchange(judge: Judge, a: Attempt, wrong: string[], missingOnly: boolean, state: CodeState, result: TokenResult): CodeState {
  if (result.ok) {
    // A used code accepted again breaks single use first, whatever else the presentation got wrong.
    judge.check(state !== 'used', REQ.singleUse, 'ERR_REQUEST_ACCEPTED', `the target exchanged a code that it had already exchanged, presented with ${describeAttempt(a)} (HTTP ${result.status})`);
    if (state !== 'used') for (const w of wrong) judge.check(false, w, 'ERR_REQUEST_ACCEPTED', `the target exchanged a code presented with ${describeAttempt(a)} (HTTP ${result.status})`);
    return 'used';
  }
  judge.check(
    wrong.length > 0 || state !== 'fresh',
    REQ.singleUse,
    'ERR_REQUEST_REFUSED',
    `the target refused the first exchange of a code with the bindings of its sign-in: HTTP ${result.status} ${result.error}${result.errorDescription ? ` (${result.errorDescription})` : ''}`,
  );
  const allowed = allowedErrors(missingOnly);
  judge.check(allowed.includes(result.error) && result.status === 400, REQ.errors, 'ERR_RESPONSE_INVALID', `a code exchange refused for ${wrong.length > 0 ? `a wrong binding (${describeAttempt(a)})` : state === 'used' ? 'a code already used' : 'a burned code'} must be HTTP 400 ${allowed.join(' or ')}; the target answered HTTP ${result.status} ${result.error}`, { expected: allowed.join(' | '), actual: `${result.status} ${result.error}` });
  return state === 'fresh' ? 'refused' : state;
}

/** A backend application for the failed-authentication case: the scenario's own when it is one, else a backend copy of it. */
function confidential(s: UserScenario): { scenario: UserScenario; app: Application } {
  if (s.application.kind === 'backend') return { scenario: s, app: s.application };
  const copy = otherApplication({ ...s.application, kind: 'backend' });
  const app = { ...copy, clientId: `${copy.clientId}-backend` };
  return { scenario: { ...s, tenant: { ...s.tenant, applications: [...s.tenant.applications, app] } }, app };
}

type ErrorCase = 'unknown-code' | 'unknown-refresh' | 'unknown-grant' | 'wrong-secret';
const ERROR_CASES: ErrorCase[] = ['unknown-code', 'unknown-refresh', 'unknown-grant', 'wrong-secret'];

interface ErrorInput {
  scenario: UserScenario;
  cases: ErrorCase[];
  grantType: string;
  verifier: string;
  /** A code and a refresh token the target never issued (generated, so a run repeats exactly). */
  unknownCode: string;
  unknownRefreshToken: string;
}

async function runErrorCases(input: ErrorInput, judge: Judge, env: CheckEnv): Promise<void> {
  const { scenario, app: backend } = confidential(input.scenario);
  await provision(env, judge, scenario.tenant);
  const own = scenario.application;
  const auth = (app: Application) => ({ clientId: app.clientId, ...(app.kind !== 'frontend' ? { clientSecret: app.clientSecret } : {}) });
  const expect = (result: TokenResult, codes: string[], statuses: number[], what: string): void => {
    log(judge, `${what} → ${answer(result)}`);
    judge.check(
      !result.ok && codes.includes(result.error) && statuses.includes(result.status),
      REQ.errors,
      result.ok ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID',
      `${what} must be refused with HTTP ${statuses.join(' or ')} ${codes.join(' or ')}; the target answered ${answer(result)}`,
      { expected: `${statuses.join('|')} ${codes.join(' | ')}`, actual: result.ok ? `${result.status} (tokens)` : `${result.status} ${result.error}` },
    );
  };
  for (const c of input.cases) {
    if (c === 'unknown-code') {
      const r = await codeApi(env).exchangeCode({ ...auth(own), code: input.unknownCode, codeVerifier: input.verifier });
      expect(r, ['invalid_grant'], [400], 'an authorization code the target never issued');
    } else if (c === 'unknown-refresh') {
      if (!env.info.capabilities.refresh) continue;
      const r = await env.adapter.refresh({ ...auth(own), refreshToken: input.unknownRefreshToken });
      expect(r, ['invalid_grant'], [400], 'a refresh token the target never issued');
    } else if (c === 'unknown-grant') {
      const r = await codeApi(env).tokenRequest({ grant_type: input.grantType, client_id: own.clientId, ...(own.kind !== 'frontend' ? { client_secret: own.clientSecret } : {}) });
      expect(r, ['unsupported_grant_type'], [400], `grant_type ${JSON.stringify(input.grantType)}`);
    } else {
      // A code the backend application may exchange, presented with a wrong secret: only the authentication is wrong.
      const b = await authorize(env, judge, { ...scenario, request: { ...scenario.request, clientId: backend.clientId } }, input.verifier, 'backend code', [REQ.errors]);
      if (!b) continue;
      const r = await codeApi(env).exchangeCode({ clientId: backend.clientId, clientSecret: `${backend.clientSecret}-wrong`, code: b.code, codeVerifier: b.verifier, redirectUri: b.redirectUri });
      // 401 MAY be used (MUST only with HTTP Basic, which the suite does not send): RFC 6749 §5.2.
      expect(r, ['invalid_client'], [400, 401], 'a code exchange whose client secret is wrong');
    }
  }
}

const grantTypeArb = fc.oneof(
  fc.constantFrom('implicit', 'urn:ietf:params:oauth:grant-type:kinde-token-conformance-unknown'),
  fc.stringMatching(/^[a-z][a-z0-9_]{2,12}$/).map((x) => `urn:kinde-token-conformance:grant-type:${x}`),
);

export const checks: Check<any>[] = [
  defineCheck<BindingInput>({
    name: 'authorization codes: bound to their client, code_verifier and redirect_uri, exchanged once, refused with invalid_grant',
    requirements: [REQ.singleUse, REQ.pkce, REQ.redirect, REQ.client, REQ.errors],
    needs: [...NEEDS],
    runsFactor: 0.5,
    arbitrary: () =>
      codesArb.chain((codes) =>
        fc.record({
          scenario: scenarioArb,
          codes: fc.constant(codes),
          verifiers: fc.array(verifierArb, { minLength: codes.length, maxLength: codes.length }),
        }),
      ),
    predicate: runCodes,
  }),
  defineCheck<{ scenario: UserScenario; verifier: string; refreshesBefore: number }>({
    name: 'authorization codes: a replayed code revokes the refresh tokens issued from it',
    requirements: [REVOKES],
    needs: [...NEEDS, 'refresh'],
    runsFactor: 0.3,
    arbitrary: () =>
      fc.record({
        scenario: scenarioArb.map((s) => ({ ...s, request: { ...s.request, scopes: [...new Set([...s.request.scopes, 'offline'])] } })),
        verifier: verifierArb,
        refreshesBefore: fc.nat(1),
      }),
    predicate: async (input, judge, env) => {
      const s = input.scenario;
      await provision(env, judge, s.tenant);
      const b = await authorize(env, judge, s, input.verifier, 'code', [REVOKES]);
      if (!b) return;
      const own = { clientId: s.application.clientId, ...(s.application.kind !== 'frontend' ? { clientSecret: s.application.clientSecret } : {}) };
      const exchange = { ...own, code: b.code, codeVerifier: b.verifier, redirectUri: b.redirectUri };
      const first = await codeApi(env).exchangeCode(exchange);
      log(judge, `exchange(code) → ${answer(first)}`);
      if (!first.ok) return judge.check(false, REVOKES, 'ERR_REQUEST_REFUSED', `cannot judge: the first exchange of a code was refused (${answer(first)})`, { because: REQ.singleUse });
      let rt = first.body.refresh_token;
      if (typeof rt !== 'string') return judge.check(false, REVOKES, 'ERR_RESPONSE_INVALID', 'cannot judge: a sign-in with scope offline returned no refresh token', { because: 'RT-OFFLINE-ONLY' });
      for (let i = 0; i < input.refreshesBefore; i++) {
        const r = await env.adapter.refresh({ ...own, refreshToken: rt });
        log(judge, `refresh(latest) → ${answer(r)}`);
        if (!r.ok) return judge.check(false, REVOKES, 'ERR_REQUEST_REFUSED', `cannot judge: a live refresh token was refused (${answer(r)})`, { because: 'RT-ROTATE' });
        if (typeof r.body.refresh_token === 'string') rt = r.body.refresh_token;
      }
      const replay = await codeApi(env).exchangeCode(exchange);
      log(judge, `exchange(code) again → ${answer(replay)}`);
      const after = await env.adapter.refresh({ ...own, refreshToken: rt });
      log(judge, `refresh(latest) after the replay → ${answer(after)}`);
      judge.check(!after.ok, REVOKES, 'ERR_REQUEST_ACCEPTED', `the refresh token issued from a code${input.refreshesBefore > 0 ? ' (after rotation)' : ''} still works after the code was presented again`, replay.ok ? { because: REQ.singleUse } : {});
    },
  }),
  defineCheck<ErrorInput>({
    name: 'token endpoint error codes: invalid_grant, unsupported_grant_type, invalid_client by cause',
    requirements: [REQ.errors],
    needs: [...NEEDS],
    runsFactor: 0.3,
    arbitrary: () =>
      fc.record({
        scenario: fc.noShrink(userScenarioArb({ maxUsers: 1, maxOrganizations: 1, maxExtraApplications: 0 })),
        cases: fc.shuffledSubarray(ERROR_CASES, { minLength: ERROR_CASES.length, maxLength: ERROR_CASES.length }),
        grantType: grantTypeArb,
        verifier: verifierArb,
        unknownCode: verifierArb.map((v) => v.slice(0, 32)),
        unknownRefreshToken: verifierArb,
      }),
    predicate: runErrorCases,
  }),
];
