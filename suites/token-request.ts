/**
 * What a token request cannot obtain. A confidential client (backend or M2M
 * application) that does not present its own secret gets nothing, on the
 * client-credentials and the refresh grant (RFC 6749 §2.3.1, §3.2.1, §5.2);
 * and no request obtains an audience its application is not authorized for or
 * a scope nobody defined: the issuer refuses it or leaves it out of the token
 * (the docs: token claims "cannot be overridden in the token request";
 * RFC 6749 §3.3 lets the server ignore what it does not grant).
 *
 * The wrong credentials are generated: another application's secret, none,
 * and near misses of the right one (attack-near-miss.ts: a character changed,
 * inserted or removed, a prefix or an extension, a case flip); an unknown
 * client ID is a near miss of the right one. Each attempt follows a control
 * with the right credentials, so a refusal is never judged on a target that
 * refuses everything.
 */
import fc from 'fast-check';
import type { Application, ClientCredentialsRequest, JsonValue, RefreshRequest, SignInRequest, Tenant, TokenResult } from '../adapters/types.js';
import { m2mScenarioArb, type M2mScenario } from '../generators/tenant.js';
import { applyEdit, describeEdit, editArb, type Edit } from './lib/attack-near-miss.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { provision, redactRequest } from './lib/flows.js';
import { own } from './lib/json.js';
import { judgeJsonType } from './lib/response-type.js';
import { decodeToken, isDecoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

const AUTH = 'TOKEN-CLIENT-AUTH';
const ESCALATION = 'TOKEN-NO-ESCALATION';

/** A wrong credential: a near miss of the secret, another app's secret, none at all, or a near miss of the client ID. */
type WrongCredential =
  | { kind: 'secret-near-miss'; edit: Edit }
  | { kind: 'other-secret' }
  | { kind: 'no-secret' }
  | { kind: 'client-id-near-miss'; edit: Edit };

/** Whitespace edits are left out: a server may trim form values (RFC 6749 does not say), which does not weaken the secret. */
const nearMissArb = editArb.filter((e) => e.op !== 'whitespace');
const wrongArb: fc.Arbitrary<WrongCredential> = fc.oneof(
  nearMissArb.map((edit) => ({ kind: 'secret-near-miss' as const, edit })),
  fc.constant({ kind: 'other-secret' as const }),
  fc.constant({ kind: 'no-secret' as const }),
  nearMissArb.map((edit) => ({ kind: 'client-id-near-miss' as const, edit })),
);

function describeWrong(w: WrongCredential): string {
  switch (w.kind) {
    case 'secret-near-miss':
      return `the secret with ${describeEdit(w.edit)}`;
    case 'other-secret':
      return "another application's secret";
    case 'no-secret':
      return 'no client secret';
    case 'client-id-near-miss':
      return `the right secret under a client ID with ${describeEdit(w.edit)}`;
  }
}

/** The credentials to present instead of `app`'s own; undefined when the edit cannot change the value. */
function wrongCredentials(w: WrongCredential, app: Application, tenant: Tenant): { clientId: string; clientSecret?: string } | undefined {
  switch (w.kind) {
    case 'secret-near-miss': {
      const secret = applyEdit(app.clientSecret, w.edit);
      return secret === undefined || secret === app.clientSecret ? undefined : { clientId: app.clientId, clientSecret: secret };
    }
    case 'other-secret': {
      const other = tenant.applications.find((a) => a.clientId !== app.clientId && a.clientSecret !== app.clientSecret);
      return other && { clientId: app.clientId, clientSecret: other.clientSecret };
    }
    case 'no-secret':
      return { clientId: app.clientId };
    case 'client-id-near-miss': {
      const id = applyEdit(app.clientId, w.edit);
      return id === undefined || tenant.applications.some((a) => a.clientId === id) ? undefined : { clientId: id, clientSecret: app.clientSecret };
    }
  }
}

/** A refusal of a plain wrong credential names invalid_client (RFC 6749 §5.2); near misses may meet other refusals first (a NUL byte: invalid_request). */
function judgeRefused(judge: Judge, w: WrongCredential, result: TokenResult, grant: string): void {
  judge.check(!result.ok, AUTH, 'ERR_REQUEST_ACCEPTED', () => `the ${grant} grant answered with tokens for ${describeWrong(w)}`);
  judgeJsonType(judge, result, `${grant} refusal`);
  if (result.ok || w.kind === 'secret-near-miss' || w.kind === 'client-id-near-miss') return;
  judge.check(result.error === 'invalid_client', AUTH, 'ERR_RESPONSE_INVALID', () => `the ${grant} grant refused ${describeWrong(w)} with ${JSON.stringify(result.error)}, not invalid_client (RFC 6749 §5.2)`, { expected: 'invalid_client', actual: result.error });
}

/** The tenant's backend application, and a sign-in to it that yields a refresh token. */
function backendSignIn(tenant: Tenant): { app: Application; request: SignInRequest } | undefined {
  const app = tenant.applications.find((a) => a.kind === 'backend');
  const user = tenant.users[0];
  return app && user && { app, request: { clientId: app.clientId, userId: user.id, scopes: ['openid', 'offline'], audience: [] } };
}

async function clientAuthOnCredentials(env: CheckEnv, judge: Judge, s: M2mScenario, w: WrongCredential): Promise<void> {
  const creds = wrongCredentials(w, s.application, s.tenant);
  if (!creds) return;
  const control = await env.adapter.clientCredentials(s.request);
  if (!control.ok) return; // refusals of valid requests are other requirements' findings
  const request: ClientCredentialsRequest = { ...s.request, clientId: creds.clientId };
  if (creds.clientSecret === undefined) delete (request as Partial<ClientCredentialsRequest>).clientSecret;
  else request.clientSecret = creds.clientSecret;
  judge.trace.request = redactRequest({ grantType: 'client_credentials', credential: describeWrong(w), clientId: creds.clientId });
  judgeRefused(judge, w, await env.adapter.clientCredentials(request), 'client credentials');
}

async function clientAuthOnRefresh(env: CheckEnv, judge: Judge, tenant: Tenant, w: WrongCredential): Promise<void> {
  const b = backendSignIn(tenant);
  const creds = b && wrongCredentials(w, b.app, tenant);
  if (!b || !creds) return;
  const signIn = await env.adapter.signIn(b.request);
  const rt = signIn.ok ? signIn.body.refresh_token : undefined;
  if (typeof rt !== 'string' || rt.length === 0) return;
  const request: RefreshRequest = { clientId: creds.clientId, refreshToken: rt, ...(creds.clientSecret !== undefined ? { clientSecret: creds.clientSecret } : {}) };
  judge.trace.request = redactRequest({ grantType: 'refresh_token', credential: describeWrong(w), clientId: creds.clientId });
  judgeRefused(judge, w, await env.adapter.refresh(request), 'refresh');
}

/** An API of the tenant that no application is authorized for, and a scope no API defines. */
function withForeignApi(tenant: Tenant, name: string): { tenant: Tenant; audience: string; scope: string } {
  const audience = `https://unauthorized-${name}.example/api`;
  const scope = `undefined-${name}:admin`;
  return { tenant: { ...tenant, apis: [...tenant.apis, { audience, scopes: [`${name}:read`] }] }, audience, scope };
}

function strings(v: JsonValue | undefined): string[] {
  if (typeof v === 'string') return v.split(' ').filter(Boolean);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Either refused, or the token lacks what was not granted. */
function judgeNotGranted(judge: Judge, result: TokenResult, what: 'audience' | 'scope', value: string, claims: string[], grant: string): void {
  if (!result.ok) return;
  const t = decodeToken(result.body.access_token);
  if (!isDecoded(t)) return; // TOKEN-WELL-FORMED judges that
  for (const c of claims) {
    const got = strings(own(t.payload, c));
    judge.check(!got.includes(value), ESCALATION, 'ERR_CLAIM_UNEXPECTED', () => `the ${grant} grant put ${what} ${JSON.stringify(value)} in the access token's ${c} although ${what === 'audience' ? 'the application is not authorized for that API' : 'no requested API defines that scope'}`, { claim: c, actual: own(t.payload, c) ?? null, token: { header: t.header, payload: t.payload } });
  }
  const granted = strings(result.body.scope as JsonValue | undefined);
  if (what === 'scope') judge.check(!granted.includes(value), ESCALATION, 'ERR_CLAIM_UNEXPECTED', () => `the ${grant} response's scope grants ${JSON.stringify(value)}, which no requested API defines`, { claim: 'scope', actual: result.body.scope ?? null });
}

const nameArb = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const whatArb = fc.constantFrom<'audience' | 'scope'>('audience', 'scope');

export const checks: Check<any>[] = [
  defineCheck({
    name: 'client credentials: an M2M application without its own secret gets no token',
    requirements: [AUTH],
    needs: ['m2m'],
    arbitrary: () => fc.record({ m2m: m2mScenarioArb({ maxUsers: 1 }), wrong: wrongArb }),
    async predicate({ m2m, wrong }, judge, env) {
      await provision(env, judge, m2m.tenant);
      await clientAuthOnCredentials(env, judge, m2m, wrong);
    },
  }),
  defineCheck({
    name: 'refresh: a backend application without its own secret gets no tokens',
    requirements: [AUTH],
    needs: ['userTokens', 'refresh'],
    arbitrary: () => fc.record({ m2m: m2mScenarioArb({ maxUsers: 1 }), wrong: wrongArb }),
    async predicate({ m2m, wrong }, judge, env) {
      await provision(env, judge, m2m.tenant);
      await clientAuthOnRefresh(env, judge, m2m.tenant, wrong);
    },
  }),
  defineCheck({
    name: 'client credentials never grant an API the M2M application is not authorized for, or a scope nobody defined',
    requirements: [ESCALATION],
    needs: ['m2m'],
    arbitrary: () => fc.record({ m2m: m2mScenarioArb({ maxUsers: 1 }), name: nameArb, what: whatArb }),
    async predicate({ m2m, name, what }, judge, env) {
      const f = withForeignApi(m2m.tenant, name);
      await provision(env, judge, f.tenant);
      const request: ClientCredentialsRequest = what === 'audience' ? { ...m2m.request, audience: [...m2m.request.audience, f.audience] } : { ...m2m.request, scopes: [...(m2m.request.scopes ?? []), f.scope] };
      judge.trace.request = redactRequest(request);
      // M2M scp is "the list of scopes initially requested" (M2M token docs); scope is what was granted.
      judgeNotGranted(judge, await env.adapter.clientCredentials(request), what, what === 'audience' ? f.audience : f.scope, what === 'audience' ? ['aud'] : ['scope'], 'client credentials');
    },
  }),
  defineCheck({
    name: 'a sign-in never grants an API the application is not authorized for, or a scope nobody defined',
    requirements: [ESCALATION],
    needs: ['userTokens'],
    arbitrary: () => fc.record({ m2m: m2mScenarioArb({ maxUsers: 1 }), name: nameArb, what: whatArb }),
    async predicate({ m2m, name, what }, judge, env) {
      const f = withForeignApi(m2m.tenant, name);
      const b = backendSignIn(f.tenant)!;
      await provision(env, judge, f.tenant);
      const api = b.app.apis[0];
      const request: SignInRequest =
        what === 'audience' ? { ...b.request, audience: [...(api ? [api] : []), f.audience] } : { ...b.request, audience: api ? [api] : [], scopes: [...b.request.scopes, f.scope] };
      judge.trace.request = redactRequest(request);
      judgeNotGranted(judge, await env.adapter.signIn(request), what, what === 'audience' ? f.audience : f.scope, what === 'audience' ? ['aud'] : ['scp'], 'sign-in');
    },
  }),
];
