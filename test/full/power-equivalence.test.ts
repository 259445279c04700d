/**
 * The recorded path is the live path, faster: for a seeded sample of
 * operators that only transform answers, judging each mutant over the
 * exchanges recorded during the control kills the same mutants with the same
 * requirements (and leaves the same ones alive) as running it against a live
 * target. Most of the sample must really take the recorded path, or the
 * comparison would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import { runControl, runMutants } from '../../mutation/campaign.js';
import { loadLedger } from '../../mutation/ledger.js';
import { allOperators, sampleOperators } from '../../mutation/operators.js';
import { replayable } from '../../mutation/recording.js';
import { ReferenceAdapter } from '../../reference/adapter.js';

const SEED = 1;
const RUNS = 10;
const SAMPLE = 40;

describe(`recorded and live paths on a seeded sample of ${SAMPLE} replayable operators (seed ${SEED}, ${RUNS} runs)`, () => {
  it('kill the same mutants with the same requirements', async () => {
    const operators = sampleOperators(allOperators().filter(replayable), SAMPLE, SEED);
    const o = { createTarget: () => new ReferenceAdapter(), operators, ledger: loadLedger(), seed: SEED, runs: RUNS, escalateRuns: 0, concurrency: 2 };
    const control = await runControl(o, true);
    expect(control.passed, JSON.stringify(control.failures)).toBe(true);
    const recorded = await runMutants(o, control.recording);
    const live = await runMutants({ ...o, recorded: false });
    const verdict = (r: (typeof live)[number]) => ({ id: r.id, status: r.status, requirement: r.detection?.requirement, verdict: r.detection?.verdict, check: r.detection?.check });
    expect(recorded.map(verdict)).toEqual(live.map(verdict));
    expect(live.every((r) => r.path === 'live')).toBe(true);
    expect(recorded.filter((r) => r.path === 'recorded').length).toBeGreaterThanOrEqual(Math.floor(SAMPLE * 0.8));
    // Not a trivial sample: kills by several requirements, and mutants that survive every check.
    expect(new Set(live.map((r) => r.detection?.requirement).filter(Boolean)).size).toBeGreaterThanOrEqual(5);
    expect(live.some((r) => r.status !== 'killed')).toBe(true);
    // Two campaigns of 40 mutants on a loaded machine: no bound on how long that takes, only a stop for a hang.
  }, 3_600_000);
});
