/**
 * The authorization-code grant as a model (RFC 6749 §4.1.2, §4.1.3, §5.2;
 * RFC 7636 §4.6): codes bound at the sign-in to a client, a PKCE challenge and
 * a redirect URI, then presented with each binding right or wrong in one of
 * several ways, again after their exchange, in a generated order. The model
 * says what each answer must be, and which requirement an answer breaks.
 *
 * What a correct issuer may do either way is never judged: a code presented
 * once with a wrong binding may be burned or may stay exchangeable; the
 * description of a refusal is free text.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Application, CodeExchangeRequest, TokenResult } from '../../adapters/types.js';

export const REQ = {
  singleUse: 'CODE-SINGLE-USE',
  pkce: 'CODE-PKCE-BOUND',
  redirect: 'CODE-REDIRECT-BOUND',
  client: 'CODE-CLIENT-BOUND',
  errors: 'TOKEN-ERROR-CODES',
} as const;

/** How the code_verifier is presented. `challenge`: the challenge itself (what a `plain` downgrade would accept). */
export type VerifierWay = 'right' | 'other' | 'near' | 'challenge' | 'missing';
/** How the redirect_uri is presented, against the bound one. */
export type RedirectWay = 'right' | 'other-host' | 'trailing-slash' | 'query' | 'path-case' | 'missing';
export type ClientWay = 'own' | 'other';

export interface Attempt {
  verifier: VerifierWay;
  redirect: RedirectWay;
  client: ClientWay;
}

export const RIGHT: Attempt = { verifier: 'right', redirect: 'right', client: 'own' };

/** 43 characters of base64url: a verifier of the form RFC 7636 §4.1 allows. */
export const verifierArb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url'));

export const challengeOf = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

const WRONG_VERIFIERS: VerifierWay[] = ['other', 'near', 'challenge', 'missing'];
const WRONG_REDIRECTS: RedirectWay[] = ['other-host', 'trailing-slash', 'query', 'path-case', 'missing'];

export const wrongVerifierArb = fc.constantFrom(...WRONG_VERIFIERS).map((verifier): Attempt => ({ ...RIGHT, verifier }));
export const wrongRedirectArb = fc.constantFrom(...WRONG_REDIRECTS).map((redirect): Attempt => ({ ...RIGHT, redirect }));
export const otherClientArb = fc.constant<Attempt>({ ...RIGHT, client: 'other' });

/** Any attempt: right in every binding half of the time, otherwise wrong in one or more. */
export const attemptArb: fc.Arbitrary<Attempt> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(RIGHT) },
  { weight: 3, arbitrary: fc.oneof(wrongVerifierArb, wrongRedirectArb, otherClientArb) },
  {
    weight: 1,
    arbitrary: fc.record({
      verifier: fc.constantFrom<VerifierWay>('right', ...WRONG_VERIFIERS),
      redirect: fc.constantFrom<RedirectWay>('right', ...WRONG_REDIRECTS),
      client: fc.constantFrom<ClientWay>('own', 'other'),
    }),
  },
);

export function describeAttempt(a: Attempt): string {
  return `verifier=${a.verifier}, redirect_uri=${a.redirect}, client=${a.client}`;
}

/** One character changed: a verifier that differs from the right one at its end only. */
function nearMiss(v: string): string {
  const last = v.at(-1)!;
  return v.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

function redirectFor(bound: string, way: RedirectWay): string | undefined {
  const url = new URL(bound);
  switch (way) {
    case 'right':
      return bound;
    case 'missing':
      return undefined;
    case 'other-host':
      url.hostname = url.hostname === 'attacker.example' ? 'other.example' : 'attacker.example';
      return url.toString();
    case 'trailing-slash':
      return bound.endsWith('/') ? bound.slice(0, -1) : `${bound}/`;
    case 'query':
      url.searchParams.append('kinde_conformance', '1');
      return url.toString();
    case 'path-case': {
      const upper = url.pathname.toUpperCase();
      if (upper === url.pathname) return bound.endsWith('/') ? bound.slice(0, -1) : `${bound}/`;
      url.pathname = upper;
      return url.toString();
    }
  }
}

export interface BoundCode {
  code: string;
  verifier: string;
  /** The redirect URI the code is bound to. */
  redirectUri: string;
}

/** The exchange request an attempt makes, and the bindings it gets wrong (the requirements an acceptance breaks). */
export function exchangeFor(
  a: Attempt,
  bound: BoundCode,
  own: Pick<Application, 'clientId' | 'clientSecret' | 'kind'>,
  other: Pick<Application, 'clientId' | 'clientSecret' | 'kind'>,
): { request: CodeExchangeRequest; wrong: string[]; missingOnly: boolean } {
  const client = a.client === 'own' ? own : other;
  const request: CodeExchangeRequest = { clientId: client.clientId, code: bound.code };
  if (client.kind !== 'frontend') request.clientSecret = client.clientSecret;
  const wrong: string[] = [];
  const verifier =
    a.verifier === 'right' ? bound.verifier : a.verifier === 'other' ? nearMiss(nearMiss(bound.verifier).split('').reverse().join('')) : a.verifier === 'near' ? nearMiss(bound.verifier) : a.verifier === 'challenge' ? challengeOf(bound.verifier) : undefined;
  if (verifier !== undefined) request.codeVerifier = verifier;
  if (verifier !== bound.verifier) wrong.push(REQ.pkce);
  const r = redirectFor(bound.redirectUri, a.redirect);
  if (r !== undefined) request.redirectUri = r;
  if (r !== bound.redirectUri) wrong.push(REQ.redirect);
  const redirectMissing = r === undefined;
  if (a.client === 'other') wrong.push(REQ.client);
  // Only missing parameters wrong: invalid_request (a required parameter is missing) is as right as invalid_grant.
  const missingOnly = wrong.length > 0 && wrong.every((w) => (w === REQ.pkce && verifier === undefined) || (w === REQ.redirect && redirectMissing));
  return { request, wrong, missingOnly };
}

/** What is known of a code: never presented, presented but refused (maybe burned), or exchanged. */
export type CodeState = 'fresh' | 'refused' | 'used';

/** The error codes a refusal of a code exchange may carry (RFC 6749 §5.2, RFC 7636 §4.6). */
export function allowedErrors(missingOnly: boolean): string[] {
  return missingOnly ? ['invalid_grant', 'invalid_request'] : ['invalid_grant'];
}

export function answer(result: TokenResult): string {
  return result.ok ? `HTTP ${result.status} tokens` : `HTTP ${result.status} ${result.error}`;
}
