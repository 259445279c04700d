/**
 * The authorization-code checks against issuers that differ from the
 * reference in allowed ways, and against a defect of each rule: the verdicts
 * follow RFC 6749 / RFC 7636, not our issuer's bytes.
 *
 * The allowed variation (one adapter, all at once): a code presented with a
 * wrong binding is refused without being burned (the right presentation still
 * works afterwards); a missing code_verifier or redirect_uri is invalid_request;
 * every description is other text; invalid_client is 400, not 401; a replayed
 * code is refused (and, from the reference underneath, revokes).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthorizeRequest, AuthorizeResult, CodeExchangeRequest, TargetInfo, TokenResult } from '../../adapters/types.js';
import { ReferenceAdapter } from '../../reference/adapter.js';
import type { DefectName } from '../../reference/defects.js';
import type { Verdict } from '../../reports/results.js';
import { runCheck } from '../../runner/run-check.js';
import { checks } from '../../suites/code-exchange.js';

const REQUIREMENTS = ['CODE-SINGLE-USE', 'CODE-PKCE-BOUND', 'CODE-REDIRECT-BOUND', 'CODE-CLIENT-BOUND', 'TOKEN-ERROR-CODES', 'CODE-REUSE-REVOKES'];

/** The reference with the allowed differences above, judged in front of it. */
class LenientIssuer extends ReferenceAdapter {
  readonly #bound = new Map<string, { clientId: string; challenge?: string; redirectUri: string }>();

  constructor() {
    super('lenient');
  }

  override async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const a = await super.authorize(request);
    if (a.ok) this.#bound.set(a.code, { clientId: request.clientId, redirectUri: a.redirectUri, ...(request.codeChallenge !== undefined ? { challenge: request.codeChallenge } : {}) });
    return a;
  }

  override async exchangeCode(request: CodeExchangeRequest): Promise<TokenResult> {
    const b = this.#bound.get(request.code);
    if (b) {
      if (b.challenge !== undefined && request.codeVerifier === undefined) return refuse('invalid_request', 'PKCE verifier absent');
      if (request.redirectUri === undefined) return refuse('invalid_request', 'missing parameter');
      const verifierOk = b.challenge === undefined || createHash('sha256').update(request.codeVerifier!).digest('base64url') === b.challenge;
      if (!verifierOk || request.redirectUri !== b.redirectUri || request.clientId !== b.clientId) return refuse('invalid_grant', 'grant request is invalid');
    }
    return reword(await super.exchangeCode(request));
  }

  override async tokenRequest(fields: Record<string, string>): Promise<TokenResult> {
    return reword(await super.tokenRequest(fields));
  }

  override async refresh(request: Parameters<ReferenceAdapter['refresh']>[0]): Promise<TokenResult> {
    return reword(await super.refresh(request));
  }
}

function refuse(error: string, errorDescription: string): TokenResult {
  return { ok: false, status: 400, error, errorDescription };
}

function reword(r: TokenResult): TokenResult {
  if (r.ok) return r;
  return { ...r, status: r.error === 'invalid_client' ? 400 : r.status, errorDescription: 'see the server log' };
}

async function verdicts(adapter: ReferenceAdapter, seed: number): Promise<Record<string, Verdict>> {
  const info: TargetInfo = await adapter.start();
  const out: Record<string, Verdict> = {};
  for (const check of checks) {
    const r = await runCheck(check, { adapter, info }, { seed, runs: 40, severity: (id) => (id === 'CODE-REUSE-REVOKES' ? 'warning' : 'fail') });
    for (const [id, o] of Object.entries(r.outcomes)) out[id] = o.verdict;
  }
  return out;
}

describe('authorization-code checks', () => {
  it('the reference passes every one', async () => {
    const v = await verdicts(new ReferenceAdapter(), 7);
    expect(Object.keys(v).sort()).toEqual([...REQUIREMENTS].sort());
    for (const id of REQUIREMENTS) expect(v[id], id).toBe('PASSED');
  });

  it('an issuer that differs in allowed ways (no burn, invalid_request for a missing parameter, other descriptions, invalid_client 400) passes every one', async () => {
    for (const seed of [1, 2]) {
      const v = await verdicts(new LenientIssuer(), seed);
      for (const id of REQUIREMENTS) expect(v[id], `${id} at seed ${seed}`).toBe('PASSED');
    }
  });

  const defects: Array<[DefectName, string, Verdict]> = [
    ['code-reuse-accepted', 'CODE-SINGLE-USE', 'FAILED'],
    ['pkce-unbound', 'CODE-PKCE-BOUND', 'FAILED'],
    ['redirect-uri-unbound', 'CODE-REDIRECT-BOUND', 'FAILED'],
    ['code-client-unbound', 'CODE-CLIENT-BOUND', 'FAILED'],
    ['error-code-generic', 'TOKEN-ERROR-CODES', 'FAILED'],
    ['code-reuse-keeps-tokens', 'CODE-REUSE-REVOKES', 'WARNING'],
  ];
  for (const [defect, requirement, verdict] of defects) {
    it(`mutant:${defect} is ${verdict} on ${requirement}, and on no binding rule it does not break`, async () => {
      const v = await verdicts(new ReferenceAdapter(`mutant:${defect}`, { defects: new Set([defect]) }), 3);
      expect(v[requirement]).toBe(verdict);
      // The binding rules are independent: breaking one fails no other.
      for (const other of ['CODE-PKCE-BOUND', 'CODE-REDIRECT-BOUND', 'CODE-CLIENT-BOUND']) if (other !== requirement) expect(v[other], other).toBe('PASSED');
    });
  }
});
