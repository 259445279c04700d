/**
 * What keeps the vitest entry's verdict independent of the machine and of the
 * other checks: per-check timeouts from the check's own budget, clear
 * configuration errors, and aborted checks that stop driving the target.
 */
import { describe, expect, it } from 'vitest';
import { configurationError } from '../api/vitest.js';
import { abortable, CheckAbortedError } from '../runner/abortable.js';
import { checkBudgetMs } from '../runner/register.js';
import { SHRINK_BUDGET_MS } from '../runner/run-check.js';
import { executeCheck, startEnvironment, stopEnvironment } from '../runner/execute.js';
import { SUITES } from '../suites/index.js';
import type { Check } from '../suites/lib/check.js';

const check = (requirements: string[], runsFactor?: number) =>
  ({ name: 'x', requirements, needs: [], ...(runsFactor ? { runsFactor } : {}) }) as unknown as Check<unknown>;

describe('checkBudgetMs', () => {
  it('is runs × per-call timeout + the shrinking budget per requirement, plus a start', () => {
    expect(checkBudgetMs(check(['A']), { runs: 50, timeoutMs: 1000 })).toBe(3 * 1000 + 50 * 1000 + SHRINK_BUDGET_MS);
    expect(checkBudgetMs(check(['A', 'B'], 0.5), { runs: 50, timeoutMs: 1000 })).toBe(3000 + 2 * (25 * 1000 + SHRINK_BUDGET_MS));
  });
  it('grows with the runs and the per-call timeout (10 s when none is given)', () => {
    const small = checkBudgetMs(check(['A']), { runs: 10 });
    expect(checkBudgetMs(check(['A']), { runs: 20 })).toBeGreaterThan(small);
    expect(small).toBe(3 * 10_000 + 10 * 10_000 + SHRINK_BUDGET_MS);
  });
});

describe('configurationError', () => {
  it('names a missing targetUrl for the http target (an unset environment variable)', () => {
    expect(configurationError({ target: 'http', targetUrl: process.env.KTC_SURELY_UNSET_VARIABLE })).toMatch(/needs targetUrl/);
    expect(configurationError({ target: 'http', targetUrl: '  ' })).toMatch(/needs targetUrl/);
  });
  it('names a missing verifierUrl and a non-positive number', () => {
    expect(configurationError({ verifier: 'http-api' })).toMatch(/verifierUrl/);
    expect(configurationError({ runs: 0 })).toMatch(/runs must be a positive integer/);
    expect(configurationError({ testTimeoutMs: 1.5 })).toMatch(/testTimeoutMs/);
  });
  it('accepts working options', () => {
    expect(configurationError({ target: 'http', targetUrl: 'http://127.0.0.1:1' })).toBeUndefined();
    expect(configurationError({})).toBeUndefined();
  });
});

describe('abortable', () => {
  it('passes calls through (private fields work) until the signal fires, then rejects every call', async () => {
    class Target {
      #calls = 0;
      async provision(): Promise<number> {
        return ++this.#calls;
      }
    }
    const ac = new AbortController();
    const { adapter } = abortable(new Target(), ac.signal);
    expect(await adapter.provision()).toBe(1);
    ac.abort(new Error('test timed out'));
    await expect(adapter.provision()).rejects.toBeInstanceOf(CheckAbortedError);
    await expect(adapter.provision()).rejects.toThrow(/test timed out/);
  });

  it('ends a call in flight at the abort, and settled() waits for the call to end on the target', async () => {
    let finish!: () => void;
    let ended = false;
    const target = {
      slow: () => new Promise<void>((res) => (finish = () => { ended = true; res(); })),
    };
    const ac = new AbortController();
    const guard = abortable(target, ac.signal);
    const call = guard.adapter.slow();
    ac.abort(new Error('timed out'));
    await expect(call).rejects.toBeInstanceOf(CheckAbortedError);
    let settled = false;
    const waiting = guard.settled().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    finish();
    await waiting;
    expect(ended && settled).toBe(true);
  });

  it('an aborted check stops at its next call: ERRORED, no further runs against the target', async () => {
    const c = SUITES.flatMap((s) => s.checks).find((x) => x.requirements.includes('TOKEN-JTI-UNIQUE'))!;
    const env = await startEnvironment({ target: 'reference', seed: 1, runs: 5, strict: false, only: [] });
    try {
      const ac = new AbortController();
      let calls = 0;
      const guard = abortable(env.adapter, ac.signal);
      const counted = new Proxy(guard.adapter, {
        get(t, k) {
          const v = Reflect.get(t, k) as unknown;
          if (typeof v !== 'function') return v;
          return (...a: unknown[]) => {
            calls += 1;
            if (calls === 3) ac.abort(new Error('test timed out'));
            return (v as (...x: unknown[]) => unknown).apply(t, a);
          };
        },
      });
      const meta = await executeCheck('signature', c, { ...env, adapter: counted }, { target: 'reference', seed: 1, runs: 50, strict: false, only: [] }, ac.signal);
      expect(Object.values(meta.outcomes).map((o) => o.verdict)).toEqual(c.requirements.map(() => 'ERRORED'));
      expect(calls).toBeLessThan(6);
    } finally {
      await stopEnvironment(env);
    }
  });
});
