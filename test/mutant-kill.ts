/**
 * Shared body of the mutant kill-matrix tests: the whole matrix in
 * test/full/ (split over two files so the two cores share the work), a sample
 * in the fast self-tests (test/mutants-sample.test.ts). Each seeded defect must be caught by the checks
 * of the requirement it names, at the default number of runs; the reference
 * must pass those same checks with the same seed (the control).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../adapters/types.js';
import { HttpAdapter } from '../adapters/http.js';
import { ReferenceAdapter } from '../reference/adapter.js';
import { startServer } from '../reference/server.js';
import { DEFECTS, type DefectName } from '../reference/defects.js';
import type { Verdict } from '../reports/results.js';
import { severityFor } from '../runner/execute.js';
import { ALL_CHECKS } from '../suites/index.js';
import { DEFAULT_RUNS } from '../runner/options.js';
import { runCheck } from '../runner/run-check.js';

export const MUTANT_SEED = Number(process.env.KTC_MUTANT_SEED ?? 20261123);

/** Verdict per requirement of the checks deciding `requirement`; `because` names the cause of a failure that follows from another. */
async function outcomesFor(adapter: Adapter, requirement: string, because: Record<string, string> = {}): Promise<Record<string, Verdict>> {
  const info = await adapter.start();
  const out: Record<string, Verdict> = {};
  for (const check of ALL_CHECKS.filter((c) => c.requirements.includes(requirement))) {
    const r = await runCheck(check, { adapter, info }, { seed: MUTANT_SEED, runs: DEFAULT_RUNS, severity: (id) => severityFor(info, id) });
    for (const [id, o] of Object.entries(r.outcomes)) {
      if (out[id] === 'FAILED' || out[id] === 'WARNING') continue;
      out[id] = o.verdict;
      const cause = o.failure?.counterexample.because;
      if (cause !== undefined) because[id] = cause;
    }
  }
  return out;
}

async function overHttp(defects: DefectName[], requirement: string, because: Record<string, string> = {}): Promise<Record<string, Verdict>> {
  const server = await startServer({ defects, log: () => {} });
  const adapter = new HttpAdapter({ targetUrl: server.url, validateProtocol: true });
  try {
    return await outcomesFor(adapter, requirement, because);
  } finally {
    await adapter.stop();
    await server.close();
  }
}

/**
 * Part `part` of `parts` of the matrix (test/full/mutants-*.test.ts), or with
 * `sample` = k only every k-th defect (the fast self-tests: the same verdicts
 * as the full matrix for those defects, same seed and runs).
 */
export function killMatrix(part: number, parts: number, sample?: number): void {
  const rows: string[] = [];
  const names = (Object.keys(DEFECTS) as DefectName[]).filter((_, i) => (sample !== undefined ? i % sample === 0 : i % parts === part));
  const label = sample !== undefined ? `sample-1-in-${sample}` : `${part + 1}-of-${parts}`;
  describe(`mutant kill matrix${sample !== undefined ? `, 1 defect in ${sample}` : ''} (seed ${MUTANT_SEED}, ${DEFAULT_RUNS} runs)`, () => {
    for (const name of names) {
      const { caughtBy, description } = DEFECTS[name];
      it(`mutant:${name} (${description}) is caught by ${caughtBy}`, async () => {
        // The reference declares its refresh-token overlap window, so no contradiction is left open for it.
        const expected: Verdict = severityFor(await new ReferenceAdapter().start(), caughtBy) === 'warning' ? 'WARNING' : 'FAILED';
        const because: Record<string, string> = {};
        // A defect of the HTTP surface shows only over HTTP: mutant and control are then `serve` on loopback.
        const over = (DEFECTS[name] as { over?: 'http' }).over === 'http';
        const mutant = over ? await overHttp([name], caughtBy, because) : await outcomesFor(new ReferenceAdapter(`mutant:${name}`, { defects: new Set([name]) }), caughtBy, because);
        const control = over ? await overHttp([], caughtBy) : await outcomesFor(new ReferenceAdapter(), caughtBy);
        const broken = (id: string) => mutant[id] === 'FAILED' || mutant[id] === 'WARNING';
        const caught = Object.entries(mutant)
          .filter(([id]) => broken(id))
          .map(([id, v]) => `${id} ${v}${because[id] !== undefined && broken(because[id]!) ? ` (because of ${because[id]})` : ''}`);
        rows.push(`| mutant:${name} | ${caughtBy} | ${caught.join(', ') || '—'} |`);
        expect(control[caughtBy], `the reference must pass ${caughtBy} with the same seed`).toBe('PASSED');
        expect(mutant[caughtBy], `mutant:${name} must be caught by ${caughtBy}; outcomes: ${JSON.stringify(mutant)}`).toBe(expected);
      });
    }
    afterAll(() => {
      mkdirSync('test-output', { recursive: true });
      writeFileSync(
        `test-output/kill-matrix-${label}.md`,
        `| mutant | expected | requirements that caught it |\n|---|---|---|\n${rows.sort().join('\n')}\n`,
      );
    });
  });
}
