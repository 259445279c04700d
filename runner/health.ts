/**
 * Target health: telling a slow or wrong answer from a broken target.
 *
 * A check that ends ERRORED on a target failure (timeout, protocol error,
 * connection refused) fails that check only. The target counts as broken —
 * and the remaining checks are not attempted — when
 * - its start (a fresh handshake) failed: nothing could be checked; or
 * - a fresh handshake probe right after the failure fails too; or
 * - {@link consecutiveLimit} checks failed on the same call (method and
 *   path, sessions aside) although its handshake still answers: a target
 *   whose token endpoint hangs, or whose JWKS never arrives, would otherwise
 *   cost one timeout per check (checks that do not need that call pass in
 *   between, so the count is per call, not of failures in a row).
 *
 * One slow answer on a loaded machine (a key rotation past --timeout) so
 * costs one check, not the run, and never turns exit 1 into 3.
 */
import type { Adapter } from '../adapters/types.js';
import type { VerifierAdapter } from '../adapters/verifier-types.js';
import { loadTarget, loadVerifier } from '../targets/load.js';
import { targetFailureCode, type ConformanceMeta } from './execute.js';
import type { ConformanceOptions } from './options.js';

/**
 * N, the checks failed on the same call that declare a target broken
 * although its handshake answers. One stall of the target or of the machine
 * can fail the check of every lane at once, so N exceeds the lanes by one: a
 * single stall is forgiven, a failure more is not (and never fewer than 2, so
 * one lane forgives one). A hung endpoint then costs at most about two
 * timeouts per lane, not one per check.
 */
export function consecutiveLimit(lanes: number): number {
  return Math.max(2, lanes + 1);
}

/**
 * The call a target failure names (`CODE: METHOD URL: …`), as code, method
 * and path without the session prefix (each lane has its own session); the
 * code alone when the reason names no call (an adapter module's error).
 */
export function failedCall(reason: string): string {
  const m = /^(ERR_[A-Z_]+): (GET|POST|PUT|PATCH|DELETE) (\S+?):? /.exec(reason);
  if (!m) return reason.split(':')[0]!;
  let path = m[3]!;
  try {
    path = new URL(path).pathname;
  } catch {
    // not a URL: keep it as written
  }
  return `${m[1]} ${m[2]} ${path.replace(/\/sessions\/[^/]+/, '')}`;
}

export interface BrokenTarget {
  check: string;
  code: string;
  reason: string;
}

/** The target failure a check ended on (ERRORED with a target code), if any. */
export function targetFailureOf(meta: ConformanceMeta): BrokenTarget | undefined {
  for (const o of Object.values(meta.outcomes)) {
    const code = targetFailureCode(o.reason);
    if (code && o.verdict === 'ERRORED') return { check: meta.check, code, reason: o.reason! };
  }
  return undefined;
}

/**
 * A fresh handshake with the side that failed (the verifier for
 * ERR_VERIFIER_*, else the target): a new adapter, started and stopped.
 * Undefined when it answered; the failure (`CODE: message`) when not.
 * Adapter objects given by the caller cannot be created afresh: undefined.
 */
export async function probeAfresh(options: ConformanceOptions, code: string, given: { adapter?: Adapter; verifier?: VerifierAdapter }): Promise<string | undefined> {
  // The http-api verifier reports its API's failures with ERR_TARGET_* codes; the issuer then is in-process.
  const verifierSide = code.startsWith('ERR_VERIFIER_') || options.verifier === 'http-api';
  if (verifierSide ? given.verifier : given.adapter) return undefined;
  let side: { start(): Promise<unknown>; stop(): Promise<void> } | undefined;
  try {
    side = verifierSide
      ? await loadVerifier(options.verifier!, {
          ...(options.verifierUrl !== undefined ? { verifierUrl: options.verifierUrl } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        })
      : await loadTarget(options.target, {
          ...(options.targetUrl !== undefined ? { targetUrl: options.targetUrl } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        });
    const s = side as { probe?: () => Promise<unknown> };
    if (typeof s.probe === 'function') await s.probe();
    else await side.start();
    return undefined;
  } catch (e) {
    const c = (e as { code?: string }).code;
    const known = typeof c === 'string' && /^ERR_(TARGET|VERIFIER)_[A-Z_]+$/.test(c) ? c : code;
    return `${known}: a fresh handshake failed too: ${(e as Error).message}`;
  } finally {
    await side?.stop().catch(() => {});
  }
}
