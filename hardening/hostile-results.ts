/**
 * Hostile results files (a results file is foreign input: a fork's CI
 * artifact): too deep, near the read bound, thousands of requirements, and one
 * that names a module to run. Written by the hardening rows of
 * hardening/file-cases.ts and by the self-tests, from the report fixture.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarize, type RequirementResult, type RunResults } from '../reports/results.js';

const FIXTURE = new URL('../test/fixtures/results-fail.json', import.meta.url);

/** The report fixture: a failing run of 20 requirements. */
export function baseResults(): RunResults {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as RunResults;
}

/** A results file whose one counterexample nests `depth` arrays (written as text: no walker could build it). */
export function writeDeep(dir: string, depth = 100_000): string {
  const r = baseResults();
  const f = r.requirements.find((x) => x.failure?.counterexample)!.failure!.counterexample!;
  f.actual = 'DEEP-PLACEHOLDER';
  const file = join(dir, 'deep.json');
  writeFileSync(file, JSON.stringify(r).replace('"DEEP-PLACEHOLDER"', `${'['.repeat(depth)}${']'.repeat(depth)}`));
  return file;
}

/** `n` requirements (the fixture's, repeated under new IDs), a failure and a counterexample on every failing one. */
export function manyRequirements(n: number, message?: (i: number) => string): RunResults {
  const base = baseResults();
  const requirements: RequirementResult[] = [];
  for (let i = 0; i < n; i++) {
    const r = structuredClone(base.requirements[i % base.requirements.length]!);
    r.id = `${r.id}-${i}`;
    delete r.consequenceOf;
    if (r.failure && message) r.failure.message = message(i);
    requirements.push(r);
  }
  return { ...base, requirements, summary: summarize(requirements) };
}

export function writeMany(dir: string, n = 5_000): string {
  const file = join(dir, `many-${n}.json`);
  writeFileSync(file, JSON.stringify(manyRequirements(n)));
  return file;
}

/**
 * A file of about `bytes` (just under the read bound by default), every string
 * within the per-string bound: failure messages of 60,000 characters.
 */
export function writeNearBound(dir: string, bytes: number): string {
  const per = 60_000;
  // The fixture's requirements fail one in three or so; a requirement with a message adds ~per bytes.
  const probe = manyRequirements(60, () => 'x'.repeat(per));
  const perReq = JSON.stringify(probe).length / 60;
  const n = Math.max(1, Math.floor((bytes - 64 * 1024) / perReq));
  const file = join(dir, 'near-bound.json');
  writeFileSync(file, JSON.stringify(manyRequirements(n, (i) => `${i} `.padEnd(per, 'x'))));
  return file;
}
