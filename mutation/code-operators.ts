/**
 * Stateful operators on the authorization-code grant (capability
 * codeExchange) and on the token endpoint's error codes. The wrapper answers
 * what the target refused (a replayed code with its first answer, a code
 * presented with a wrong binding by presenting the right one instead), or
 * rewrites the error code or status of a refusal. suites/code-exchange.ts
 * drives them.
 */
import type { AuthorizeRequest, CodeExchangeRequest, TokenResult } from '../adapters/types.js';
import type { InnerCalls, Interceptor, Operator } from './types.js';

interface Issued {
  request: AuthorizeRequest;
  redirectUri: string;
}

type Answer = Promise<{ result: TokenResult; applied: boolean }>;

/** What the wrapper remembers of the codes: who asked for each, and each code's first successful answer. */
class CodeMemory {
  readonly issued = new Map<string, Issued>();
  readonly firstAnswer = new Map<string, TokenResult>();
}

function memoryOf(memory: Map<string, unknown>): CodeMemory {
  let m = memory.get('codes') as CodeMemory | undefined;
  if (!m) memory.set('codes', (m = new CodeMemory()));
  return m;
}

/** An interceptor that records issued codes and first answers around the operator's own exchange hook. */
function tracked(exchange: (request: CodeExchangeRequest, inner: InnerCalls, m: CodeMemory) => Answer, options: { stripChallenge?: boolean } = {}): Interceptor {
  return {
    async authorize(request, inner, memory) {
      const strip = options.stripChallenge === true && request.codeChallenge !== undefined;
      const sent: AuthorizeRequest = strip ? { ...request } : request;
      if (strip) delete sent.codeChallenge;
      const result = await inner.authorize(sent);
      if (result.ok) memoryOf(memory).issued.set(result.code, { request, redirectUri: result.redirectUri });
      return { result, applied: strip };
    },
    async exchangeCode(request, inner, memory) {
      const m = memoryOf(memory);
      const answer = await exchange(request, inner, m);
      if (answer.result.ok && !m.firstAnswer.has(request.code)) m.firstAnswer.set(request.code, structuredClone(answer.result));
      return answer;
    },
  };
}

function codeOp(id: string, description: string, interceptor: Interceptor): Operator {
  return { id: `code:${id}`, family: 'code-state', target: 'authorization-code', area: 'code', description, interceptor };
}

/** The code as its owner would present it: the client that asked for it, with its secret. */
function asOwner(request: CodeExchangeRequest, issued: Issued, inner: InnerCalls): CodeExchangeRequest {
  const app = inner.tenant()?.applications.find((a) => a.clientId === issued.request.clientId);
  const out: CodeExchangeRequest = { ...request, clientId: issued.request.clientId };
  delete out.clientSecret;
  if (app && app.kind !== 'frontend') out.clientSecret = app.clientSecret;
  return out;
}

export function codeOperatorsAll(): Operator[] {
  return [
    codeOp(
      'replay-first-answer',
      'a code presented again gets its first answer again (HTTP 200, the same tokens)',
      tracked(async (request, inner, m) => {
        const first = m.firstAnswer.get(request.code);
        if (first) return { result: structuredClone(first), applied: true };
        return { result: await inner.exchangeCode(request), applied: false };
      }),
    ),
    codeOp(
      'pkce-ignored',
      'the code_challenge is dropped at the sign-in and the code_verifier at the exchange: any verifier, or none, is accepted',
      tracked(async (request, inner) => {
        if (request.codeVerifier === undefined) return { result: await inner.exchangeCode(request), applied: false };
        const { codeVerifier: _dropped, ...sent } = request;
        return { result: await inner.exchangeCode(sent), applied: true };
      }, { stripChallenge: true }),
    ),
    codeOp(
      'redirect-ignored',
      'the redirect_uri presented is replaced by the bound one: any redirect_uri, or none, is accepted',
      tracked(async (request, inner, m) => {
        const issued = m.issued.get(request.code);
        if (!issued || request.redirectUri === issued.redirectUri) return { result: await inner.exchangeCode(request), applied: false };
        return { result: await inner.exchangeCode({ ...request, redirectUri: issued.redirectUri }), applied: true };
      }),
    ),
    codeOp(
      'client-ignored',
      'a code presented by another application is exchanged as if its owner had presented it',
      tracked(async (request, inner, m) => {
        const issued = m.issued.get(request.code);
        if (!issued || request.clientId === issued.request.clientId) return { result: await inner.exchangeCode(request), applied: false };
        return { result: await inner.exchangeCode(asOwner(request, issued, inner)), applied: true };
      }),
    ),
  ];
}

/** A refusal's error code or status rewritten on every token endpoint call (code exchange, refresh, raw requests, client credentials). */
function errorOp(id: string, description: string, rewrite: (r: Extract<TokenResult, { ok: false }>) => TokenResult | undefined): Operator {
  const apply = async (p: Promise<TokenResult>): Answer => {
    const result = await p;
    if (result.ok) return { result, applied: false };
    const out = rewrite(result);
    return out === undefined ? { result, applied: false } : { result: out, applied: true };
  };
  return {
    id: `error:${id}`,
    family: 'error-code',
    target: 'response.error',
    area: 'response',
    description,
    // Only the answer changes; but refusals are not recorded as rewritable answers, so judge live.
    replayable: false,
    interceptor: {
      exchangeCode: (r, inner) => apply(inner.exchangeCode(r)),
      tokenRequest: (f, inner) => apply(inner.tokenRequest(f)),
      refresh: (r, inner) => apply(inner.refresh(r)),
      clientCredentials: (r, inner) => apply(inner.clientCredentials(r)),
    },
  };
}

export function errorOperatorsAll(): Operator[] {
  const to = (from: string, code: string) => (r: Extract<TokenResult, { ok: false }>): TokenResult | undefined => (r.error === from ? { ...r, error: code } : undefined);
  return [
    errorOp('invalid_grant->invalid_request', 'invalid_grant refusals say invalid_request', to('invalid_grant', 'invalid_request')),
    errorOp('invalid_grant->invalid_client', 'invalid_grant refusals say invalid_client', to('invalid_grant', 'invalid_client')),
    errorOp('unsupported_grant_type->invalid_request', 'unsupported_grant_type refusals say invalid_request', to('unsupported_grant_type', 'invalid_request')),
    errorOp('unsupported_grant_type->invalid_grant', 'unsupported_grant_type refusals say invalid_grant', to('unsupported_grant_type', 'invalid_grant')),
    errorOp('invalid_client->invalid_grant', 'invalid_client refusals say invalid_grant', to('invalid_client', 'invalid_grant')),
    errorOp('invalid_grant:status-401', 'invalid_grant refusals come with HTTP 401', (r) => (r.error === 'invalid_grant' ? { ...r, status: 401 } : undefined)),
    errorOp('invalid_client:status-403', 'invalid_client refusals come with HTTP 403', (r) => (r.error === 'invalid_client' ? { ...r, status: 403 } : undefined)),
  ];
}
