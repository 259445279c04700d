/**
 * What every verifier check does: find the verifier under test, sign the
 * issuer's claims with a key of the served JWKS, build the context the
 * verifier is told (issuer, audience, route org, keys), present a token and
 * describe the verdict for the report.
 */
import { kindeDomainOf, withKindeDomain } from '../adapters/kinde-domain.js';
import type { JsonObject } from '../adapters/types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../adapters/verifier-types.js';
import type { CheckEnv } from './lib/check.js';
import { resign, stableKey, type SuiteKey } from './lib/attack-keys.js';
import { mirrorFor, type IssuerMirror, type KeySet } from './lib/attack-server.js';
import type { Decoded } from './lib/tokens.js';
import type { VerifierScenario } from './verifier-scenario.js';

export function verifierOf(env: CheckEnv): { adapter: VerifierAdapter; info: VerifierInfo } {
  if (!env.verifier) throw new Error('no verifier under test');
  return env.verifier;
}

export function mirror(env: CheckEnv): Promise<IssuerMirror> {
  return mirrorFor(verifierOf(env).info.jwksPort ?? 0);
}

/** A deployed API was told one JWKS URL: key sets of its own per sequence are impossible. */
export function fixedKeys(env: CheckEnv): boolean {
  return verifierOf(env).info.fixedContext !== undefined;
}

/** The root key set, its discovery naming `issuer`. */
export async function rootSet(env: CheckEnv, issuer: string): Promise<KeySet> {
  const m = await mirror(env);
  m.root.issuer = issuer;
  return m.root;
}

export function contextFor(s: VerifierScenario, issuer: string, set: KeySet, orgCode: string | undefined): VerificationContext {
  const ctx: VerificationContext = { issuer, audience: s.audience, jwks: set.jwks(), issuerBaseUrl: set.baseUrl };
  if (orgCode !== undefined) ctx.orgCode = orgCode;
  return ctx;
}

/** The issued token's claims (optionally replaced) signed RS256 by `key`. */
export function signed(token: Decoded, payload: JsonObject = token.payload, key: SuiteKey = stableKey()): string {
  return resign(token.header, payload, key);
}

/** Lenient decode for the report (attack tokens may not decode at all). */
export function shown(raw: string): { header: JsonObject; payload: JsonObject } {
  const segs = raw.split('.');
  const dec = (x: string | undefined): JsonObject => {
    try {
      const text = Buffer.from(x ?? '', 'base64url').toString('utf8');
      const v = JSON.parse(text) as unknown;
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : { value: text.slice(0, 200) };
    } catch {
      return { raw: (x ?? '').slice(0, 200) };
    }
  };
  const payload = dec(segs[1]);
  if (typeof payload.padding === 'string') payload.padding = `<${payload.padding.length} chars>`;
  return { header: dec(segs[0]), payload };
}

export function describeVerdict(v: Verdict): string {
  return v.accepted ? `accepted${v.status ? ` (HTTP ${v.status})` : ''}` : `rejected${v.status ? ` with HTTP ${v.status}` : ''}${v.reason ? `: ${v.reason.slice(0, 160)}` : ''}`;
}

export function present(env: CheckEnv, token: string | undefined, ctx: VerificationContext): Promise<Verdict> {
  const { adapter, info } = verifierOf(env);
  const domain = info.kindeDomain ? kindeDomainOf(ctx.issuer) : undefined;
  if (domain === undefined || ctx.issuerBaseUrl === undefined) return adapter.verify(token, ctx);
  // The library fetches https://<sub>.kinde.com/.well-known/jwks.json itself: answered by this set on loopback.
  return withKindeDomain(domain, ctx.issuerBaseUrl, () => adapter.verify(token, { ...ctx, kindeDomain: domain }));
}

/**
 * The valid token must be accepted first, or a rejected attack proves nothing.
 * A verifier that rejects valid tokens is reported under VERIFY-ACCEPT-VALID; here it stops the check (ERRORED).
 */
export async function requireAccepted(env: CheckEnv, token: string, ctx: VerificationContext): Promise<void> {
  const v = await present(env, token, ctx);
  if (!v.accepted) throw new Error(`the verifier rejected a valid token, so attack verdicts would mean nothing: ${describeVerdict(v)}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How long a key change may take to reach the verifier: its declared refresh bound plus 1.5 s. */
export function refreshBoundMs(env: CheckEnv): number {
  return (verifierOf(env).info.jwksRefreshMs ?? 0) + 1_500;
}

/** Present `token` until it is accepted or `boundMs` has passed; the last verdict. */
export async function presentUntilAccepted(env: CheckEnv, token: string, ctx: VerificationContext, boundMs: number): Promise<Verdict> {
  const deadline = performance.now() + boundMs;
  let v = await present(env, token, ctx);
  while (!v.accepted && performance.now() < deadline) {
    await sleep(Math.min(250, Math.max(10, deadline - performance.now())));
    v = await present(env, token, ctx);
  }
  return v;
}
