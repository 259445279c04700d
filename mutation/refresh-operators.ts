/**
 * Stateful operators on the refresh-token state machine. The wrapper answers
 * requests the target refused (a rotated-out token by replaying its first
 * answer, a token past its lifetime, a token presented by another client),
 * hands back the presented token instead of rotating, returns a stale access
 * token, issues refresh tokens without `offline`, refuses what it must accept,
 * or revokes a whole chain on reuse. The model-based sequences of
 * suites/refresh.ts drive them.
 */
import { randomBytes } from 'node:crypto';
import type { RefreshRequest, SignInRequest, TokenResult } from '../adapters/types.js';
import type { InnerCalls, Interceptor, Operator } from './types.js';

interface Chain {
  request: SignInRequest;
  refreshes: number;
  lastAccess?: string;
  revoked?: boolean;
}

type Answer = Promise<{ result: TokenResult; applied: boolean }>;

interface Hooks {
  signIn?(request: SignInRequest, inner: InnerCalls, m: ChainMemory): Answer;
  refresh?(request: RefreshRequest, inner: InnerCalls, m: ChainMemory, chain: Chain | undefined): Answer;
}

/** Which refresh token belongs to which sign-in, and what each presented token got first. */
export class ChainMemory {
  readonly byToken = new Map<string, Chain>();
  readonly firstAnswer = new Map<string, TokenResult>();
  readonly extra = new Map<string, unknown>();

  track(result: TokenResult, chain: Chain): void {
    if (!result.ok) return;
    chain.lastAccess = result.body.access_token;
    if (typeof result.body.refresh_token === 'string') this.byToken.set(result.body.refresh_token, chain);
  }
}

function memoryOf(memory: Map<string, unknown>): ChainMemory {
  let m = memory.get('chains') as ChainMemory | undefined;
  if (!m) memory.set('chains', (m = new ChainMemory()));
  return m;
}

/** An interceptor that keeps chains up to date around the operator's own hooks. */
function chained(hooks: Hooks): Interceptor {
  return {
    async signIn(request, inner, memory) {
      const m = memoryOf(memory);
      const answer = hooks.signIn ? await hooks.signIn(request, inner, m) : { result: await inner.signIn(request), applied: false };
      m.track(answer.result, { request, refreshes: 0 });
      return answer;
    },
    async refresh(request, inner, memory) {
      const m = memoryOf(memory);
      const chain = m.byToken.get(request.refreshToken);
      const answer = hooks.refresh ? await hooks.refresh(request, inner, m, chain) : { result: await inner.refresh(request), applied: false };
      if (answer.result.ok && chain) {
        chain.refreshes += 1;
        if (!m.firstAnswer.has(request.refreshToken)) m.firstAnswer.set(request.refreshToken, structuredClone(answer.result));
        m.track(answer.result, chain);
      }
      return answer;
    },
  };
}

const refused = (why: string): TokenResult => ({ ok: false, status: 400, error: 'invalid_grant', errorDescription: why });

function op(id: string, description: string, hooks: Hooks): Operator {
  return { id: `refresh:${id}`, family: 'refresh-state', target: 'refresh-chain', area: 'refresh', description, interceptor: chained(hooks) };
}

/** A sign-in of the chain again, standing in for a refresh the target refused. */
async function freshAnswer(inner: InnerCalls, chain: Chain): Promise<TokenResult> {
  return inner.signIn(chain.request);
}

export function refreshOperatorsAll(): Operator[] {
  return [
    op('replay-rotated-out', 'a rotated-out refresh token the target refuses is answered with the answer it got the first time', {
      async refresh(request, inner, m) {
        const result = await inner.refresh(request);
        const first = m.firstAnswer.get(request.refreshToken);
        return !result.ok && first ? { result: structuredClone(first), applied: true } : { result, applied: false };
      },
    }),
    op('accept-expired', 'a never-used refresh token the target refuses (past its lifetime) is answered with new tokens', {
      async refresh(request, inner, m, chain) {
        const result = await inner.refresh(request);
        if (result.ok || !chain || m.firstAnswer.has(request.refreshToken)) return { result, applied: false };
        return { result: await freshAnswer(inner, chain), applied: true };
      },
    }),
    op('other-client-accepted', 'a refresh token presented by another client is accepted as if its own client presented it', {
      async refresh(request, inner, _m, chain) {
        const result = await inner.refresh(request);
        if (result.ok || !chain || chain.request.clientId === request.clientId) return { result, applied: false };
        const app = inner.tenant()?.applications.find((a) => a.clientId === chain.request.clientId);
        const own: RefreshRequest = { clientId: chain.request.clientId, refreshToken: request.refreshToken, ...(app && app.kind !== 'frontend' ? { clientSecret: app.clientSecret } : {}) };
        const retried = await inner.refresh(own);
        return { result: retried, applied: retried.ok };
      },
    }),
    op('not-rotated', 'a refresh hands back the presented refresh token (the target rotated it; the wrapper keeps using the new one underneath)', {
      async refresh(request, inner, m) {
        const alias = (m.extra.get('alias') as Map<string, string> | undefined) ?? new Map<string, string>();
        m.extra.set('alias', alias);
        const underlying = alias.get(request.refreshToken) ?? request.refreshToken;
        const result = await inner.refresh({ ...request, refreshToken: underlying });
        if (!result.ok || typeof result.body.refresh_token !== 'string') return { result, applied: false };
        alias.set(request.refreshToken, result.body.refresh_token);
        result.body.refresh_token = request.refreshToken;
        return { result, applied: true };
      },
    }),
    op('stale-access', 'a refresh that got a new access token returns the previous access token of the chain instead', {
      async refresh(request, inner, _m, chain) {
        const result = await inner.refresh(request);
        if (!result.ok || !chain?.lastAccess || result.body.access_token === chain.lastAccess) return { result, applied: false };
        result.body.access_token = chain.lastAccess;
        return { result, applied: true };
      },
    }),
    op('without-offline', 'a sign-in without offline gets a working refresh token', {
      async signIn(request, inner, m) {
        const result = await inner.signIn(request);
        if (!result.ok || result.body.refresh_token !== undefined || request.scopes.includes('offline')) return { result, applied: false };
        const token = `ktc-rt-${randomBytes(12).toString('base64url')}`;
        m.extra.set(`fabricated:${token}`, request);
        result.body.refresh_token = token;
        return { result, applied: true };
      },
      async refresh(request, inner, m) {
        const original = m.extra.get(`fabricated:${request.refreshToken}`) as SignInRequest | undefined;
        if (!original) return { result: await inner.refresh(request), applied: false };
        const result = await inner.signIn(original);
        if (result.ok) {
          const token = `ktc-rt-${randomBytes(12).toString('base64url')}`;
          m.extra.set(`fabricated:${token}`, original);
          result.body.refresh_token = token;
        }
        return { result, applied: true };
      },
    }),
    op('offline-access-honored', 'a sign-in asking for offline_access (not offline) is served as if it asked for offline', {
      async signIn(request, inner) {
        if (!request.scopes.includes('offline_access') || request.scopes.includes('offline')) return { result: await inner.signIn(request), applied: false };
        return { result: await inner.signIn({ ...request, scopes: [...request.scopes, 'offline'] }), applied: true };
      },
    }),
    op('refuse-second', 'the second refresh of every chain is refused', {
      async refresh(request, inner, _m, chain) {
        if (chain && chain.refreshes >= 1) return { result: refused('the wrapper refuses a second refresh'), applied: true };
        return { result: await inner.refresh(request), applied: false };
      },
    }),
    op('reuse-revokes-chain', 'presenting a rotated-out refresh token revokes the whole chain (reuse detection)', {
      async refresh(request, inner, m, chain) {
        if (chain?.revoked) return { result: refused('the chain was revoked after reuse'), applied: true };
        const result = await inner.refresh(request);
        if (!result.ok && chain && m.firstAnswer.has(request.refreshToken)) chain.revoked = true;
        return { result, applied: false };
      },
    }),
  ];
}
