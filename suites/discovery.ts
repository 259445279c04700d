/**
 * The issuer's HTTP surface (capability `httpSurface`): the OpenID
 * configuration compared with the tokens it describes (issuer, jwks_uri,
 * signing algorithms; OpenID Connect Discovery 1.0 §3, §4.3), both JWKS paths
 * the docs give, and the token endpoint's cache headers (RFC 6749 §5.1).
 * NOT_APPLICABLE in-process: there is no HTTP to read.
 */
import fc from 'fast-check';
import { AdapterError, type HttpGetAnswer, type JsonValue, type Jwks, type TokenResult } from '../adapters/types.js';
import { m2mScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { clientCredentialsExpectingToken, provision, refreshOnce, signInExpectingTokens } from './lib/flows.js';
import { withOffline, withOpenId } from './lib/issuance.js';
import { jsonEqual, own } from './lib/json.js';
import { judgeMetadata } from './lib/discovery-metadata.js';
import { judgeJsonType, RESP_JSON } from './lib/response-type.js';
import { verifySignature, type Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** The two JWKS paths of the docs: verifying-JWTs page, and the Hasura / Go SDK / M2M pages. */
export const JWKS_PATHS = ['/.well-known/jwks', '/.well-known/jwks.json'] as const;

const SURFACE_REQS = ['DISC-REQUIRED-MEMBERS', 'DISC-ISSUER', 'DISC-JWKS-URI', 'DISC-SIGNING-ALGS', 'DISC-METADATA', 'JWKS-BOTH-PATHS'];
/** OpenID Connect Discovery 1.0 §3: REQUIRED members (token_endpoint unless implicit-only, which Kinde is not). */
const URL_MEMBERS = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'];
const ARRAY_MEMBERS = ['response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'];

function get(env: CheckEnv, ref: string): Promise<HttpGetAnswer | null> {
  const fetcher = env.adapter.httpGet;
  if (!fetcher) throw new AdapterError('ERR_TARGET_PROTOCOL', `target ${env.adapter.name} declares httpSurface but has no httpGet() (see docs/writing-an-adapter.md)`);
  return fetcher.call(env.adapter, ref);
}

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isKeySet = (v: unknown): v is Jwks => isObject(v) && Array.isArray(v.keys) && v.keys.every(isObject);

/** The identity of each public key of a set, sorted: what two paths must agree on. */
function keyIds(set: Jwks): string[] {
  return set.keys.map((k) => JSON.stringify([k.kid ?? null, k.kty, k.n ?? null, k.e ?? null])).sort();
}

/** Judge discovery and the JWKS paths against the tokens of the environment now provisioned and the grants that issued them. */
async function judgeSurface(env: CheckEnv, judge: Judge, tokens: Decoded[], grants: string[]): Promise<void> {
  const d = await get(env, DISCOVERY_PATH);
  const doc = d?.json;
  judge.check(d !== null && d.status === 200 && isObject(doc), 'DISC-REQUIRED-MEMBERS', 'ERR_RESPONSE_INVALID', () => `GET ${DISCOVERY_PATH} answered HTTP ${d?.status} ${isObject(doc) ? '' : 'without a JSON object'}`);
  if (!isObject(doc)) return;
  for (const m of URL_MEMBERS) {
    const v = own(doc, m);
    let ok = typeof v === 'string';
    if (ok) {
      try {
        const u = new URL(v as string);
        ok = m !== 'issuer' || (u.protocol === 'https:' && u.search === '' && u.hash === '');
      } catch {
        ok = false;
      }
    }
    judge.check(ok, 'DISC-REQUIRED-MEMBERS', v === undefined ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_INVALID', () => `discovery ${m} is ${JSON.stringify(v) ?? '(absent)'}, not ${m === 'issuer' ? 'an https URL without query or fragment' : 'a URL'}`, { claim: m, actual: v });
  }
  for (const m of ARRAY_MEMBERS) {
    const v = own(doc, m);
    judge.check(Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'), 'DISC-REQUIRED-MEMBERS', v === undefined ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_INVALID', () => `discovery ${m} is ${JSON.stringify(v) ?? '(absent)'}, not a non-empty array of strings`, { claim: m, actual: v });
  }

  judgeMetadata(judge, doc, { grants });

  const issuer = own(doc, 'issuer');
  const algs = own(doc, 'id_token_signing_alg_values_supported');
  const advertised = Array.isArray(algs) ? algs : [];
  judge.check(advertised.includes('RS256'), 'DISC-SIGNING-ALGS', 'ERR_CLAIM_MISMATCH', () => `discovery id_token_signing_alg_values_supported ${JSON.stringify(algs) ?? '(absent)'} does not include RS256`, { claim: 'id_token_signing_alg_values_supported', actual: algs });
  const forbidden = advertised.filter((a) => typeof a === 'string' && (/^HS\d+$/i.test(a) || a.toLowerCase() === 'none'));
  judge.check(forbidden.length === 0, 'DISC-SIGNING-ALGS', 'ERR_CLAIM_MISMATCH', () => `discovery id_token_signing_alg_values_supported advertises ${JSON.stringify(forbidden)}: Kinde does not sign with HMAC ("We don't support HMAC signing by design") nor leaves tokens unsigned`, { claim: 'id_token_signing_alg_values_supported', actual: algs });
  for (const t of tokens) {
    const token = { header: t.header, payload: t.payload };
    const iss = own(t.payload, 'iss');
    judge.check(iss === issuer, 'DISC-ISSUER', 'ERR_CLAIM_MISMATCH', () => `a token's iss ${JSON.stringify(iss)} is not the discovery issuer ${JSON.stringify(issuer)}`, { claim: 'iss', expected: issuer, actual: iss, token });
    const alg = own(t.header, 'alg');
    judge.check(advertised.includes(alg as JsonValue), 'DISC-SIGNING-ALGS', 'ERR_CLAIM_MISMATCH', () => `a token is signed with alg ${JSON.stringify(alg)}, which discovery does not advertise (${JSON.stringify(algs)})`, { claim: 'alg', actual: alg, token });
  }

  if (judge.focused('DISC-JWKS-URI')) {
    const uri = own(doc, 'jwks_uri');
    const k = typeof uri === 'string' ? await get(env, uri) : null;
    judge.check(k !== null, 'DISC-JWKS-URI', 'ERR_RESPONSE_INVALID', () => `discovery jwks_uri ${JSON.stringify(uri) ?? '(absent)'} is on neither the target's nor the issuer's origin: the keys are not where it says`, { claim: 'jwks_uri', actual: uri });
    judge.check(k !== null && k.status === 200 && isKeySet(k.json), 'DISC-JWKS-URI', 'ERR_RESPONSE_INVALID', () => `GET jwks_uri ${JSON.stringify(uri)} answered HTTP ${k?.status} ${isKeySet(k?.json) ? '' : 'without a key set'}`, { claim: 'jwks_uri', actual: uri });
    const set = k!.json as unknown as Jwks;
    for (const t of tokens) {
      const why = await verifySignature(t.raw, set);
      judge.check(why === null, 'DISC-JWKS-URI', 'ERR_SIG_INVALID', () => `a token (kid ${JSON.stringify(own(t.header, 'kid'))}) does not verify with the keys at jwks_uri ${JSON.stringify(uri)}: ${why}`, { token: { header: t.header, payload: t.payload } });
    }
  }

  if (judge.focused('JWKS-BOTH-PATHS')) {
    const sets: Jwks[] = [];
    for (const path of JWKS_PATHS) {
      const a = await get(env, path);
      judge.check(a !== null && a.status === 200 && isKeySet(a.json), 'JWKS-BOTH-PATHS', 'ERR_RESPONSE_INVALID', () => `GET ${path} answered HTTP ${a?.status} ${isKeySet(a?.json) ? '' : 'without a key set'}`);
      sets.push(a!.json as unknown as Jwks);
    }
    const [a, b] = sets.map(keyIds) as [string[], string[]];
    judge.check(jsonEqual(a, b), 'JWKS-BOTH-PATHS', 'ERR_RESPONSE_INVALID', () => `${JWKS_PATHS[0]} and ${JWKS_PATHS[1]} serve different keys (kids ${JSON.stringify(sets[0]!.keys.map((k) => k.kid))} and ${JSON.stringify(sets[1]!.keys.map((k) => k.kid))})`, { expected: a, actual: b });
  }
}

/** RFC 6749 §5.1 on one token answer: Cache-Control has no-store, Pragma has no-cache. */
function judgeNoStore(judge: Judge, result: TokenResult, what: string): void {
  if (!result.ok) return;
  const h = result.headers;
  judge.check(h !== undefined, 'RESP-NO-STORE', 'ERR_RESPONSE_INVALID', `the target declares httpSurface but its ${what} answer carries no headers (an adapter bug)`);
  const directives = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim().toLowerCase());
  const cc = h!['cache-control'];
  const pragma = h!.pragma;
  judge.check(directives(cc).includes('no-store'), 'RESP-NO-STORE', 'ERR_RESPONSE_INVALID', () => `the ${what} answer has Cache-Control ${JSON.stringify(cc) ?? '(absent)'}, without no-store`, { claim: 'cache-control', expected: 'no-store', actual: cc });
  judge.check(directives(pragma).includes('no-cache'), 'RESP-NO-STORE', 'ERR_RESPONSE_INVALID', () => `the ${what} answer has Pragma ${JSON.stringify(pragma) ?? '(absent)'}, without no-cache`, { claim: 'pragma', expected: 'no-cache', actual: pragma });
}

const scenariosArb = () => fc.record({ user: userScenarioArb().map(withOpenId).map(withOffline), m2m: m2mScenarioArb() });

export const checks: Check<any>[] = [
  defineCheck({
    name: 'discovery describes the tokens (issuer, jwks_uri, algorithms) and both JWKS paths serve the same keys',
    requirements: SURFACE_REQS,
    needs: ['httpSurface'],
    arbitrary: scenariosArb,
    async predicate({ user, m2m }, judge, env) {
      const caps = env.info.capabilities;
      if (caps.userTokens) {
        await provision(env, judge, user.tenant);
        const t = await signInExpectingTokens(env, judge, user.request, SURFACE_REQS);
        if (t) await judgeSurface(env, judge, t.id ? [t.access, t.id] : [t.access], t.result.body.refresh_token ? ['authorization_code', 'refresh_token'] : ['authorization_code']);
      }
      if (caps.m2m) {
        await provision(env, judge, m2m.tenant);
        const t = await clientCredentialsExpectingToken(env, judge, m2m.request, SURFACE_REQS);
        if (t) await judgeSurface(env, judge, [t.token], ['client_credentials']);
      }
      if (!caps.userTokens && !caps.m2m) await judgeSurface(env, judge, [], []);
    },
  }),
  defineCheck({
    name: 'token endpoint answers of every grant are marked Cache-Control: no-store and Pragma: no-cache, and are JSON',
    requirements: ['RESP-NO-STORE', RESP_JSON],
    needs: ['httpSurface'],
    arbitrary: scenariosArb,
    async predicate({ user, m2m }, judge, env) {
      const caps = env.info.capabilities;
      if (caps.userTokens) {
        await provision(env, judge, user.tenant);
        const t = await signInExpectingTokens(env, judge, user.request, ['RESP-NO-STORE', RESP_JSON]);
        if (t) {
          judgeNoStore(judge, t.result, 'authorization code');
          judgeJsonType(judge, t.result, 'authorization code');
          const r = await refreshOnce(env, judge, user.application, t, ['RESP-NO-STORE', RESP_JSON]);
          if (r) judgeNoStore(judge, r.result, 'refresh');
          if (r) judgeJsonType(judge, r.result, 'refresh');
        }
      }
      if (caps.m2m) {
        await provision(env, judge, m2m.tenant);
        const t = await clientCredentialsExpectingToken(env, judge, m2m.request, ['RESP-NO-STORE', RESP_JSON]);
        if (t) judgeNoStore(judge, t.result, 'client credentials');
        if (t) judgeJsonType(judge, t.result, 'client credentials');
      }
    },
  }),
];
