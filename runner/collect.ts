/**
 * Folds the per-test conformance outcomes of a vitest run into one
 * {@link RunResults}: one entry per requirement, with the worst verdict over
 * every test that judged it.
 */
import { execFileSync } from 'node:child_process';
import { SUITE_VERSION } from '../schemas/version.js';
import { worseVerdict } from '../reports/format.js';
import { summarize, type RequirementResult, type RunResults } from '../reports/results.js';
import { requirementById } from '../schemas/catalog.js';
import type { Capabilities } from '../adapters/types.js';
import type { ConformanceOptions } from './options.js';
import type { ConformanceMeta } from './execute.js';


export interface CollectedTest {
  title: string;
  meta: ConformanceMeta;
}

const NO_CAPABILITIES: Capabilities = {
  userTokens: false,
  refresh: false,
  m2m: false,
  orgScopedM2m: false,
  workflows: false,
  properties: false,
  featureFlags: false,
  clock: false,
  keyRotation: false,
};

export function gitRevision(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return undefined;
  }
}

export function collectResults(
  tests: CollectedTest[],
  options: ConformanceOptions,
  times: { startedAt: Date; finishedAt: Date },
  shard?: { index: number; count: number },
): RunResults {
  const byId = new Map<string, RequirementResult>();
  let target: RunResults['target'] = { name: options.target, version: 'unknown', capabilities: NO_CAPABILITIES };
  for (const { title, meta } of tests) {
    if (meta.target.capabilities) target = { name: meta.target.name, version: meta.target.version, capabilities: meta.target.capabilities };
    for (const [id, outcome] of Object.entries(meta.outcomes)) {
      const req = requirementById(id);
      let entry = byId.get(id);
      if (!entry) {
        entry = {
          id,
          area: req.area,
          statement: req.statement,
          level: req.level,
          severity: req.severity,
          tokenTypes: [...req.tokenTypes],
          source: { url: req.source.url, quote: req.source.quote },
          ...(req.contradiction
            ? { contradiction: { readings: req.contradiction.readings.map((r) => ({ url: r.url, quote: r.quote })), note: req.contradiction.note } }
            : {}),
          verdict: outcome.verdict,
          tests: [],
          runs: 0,
          durationMs: 0,
        };
        byId.set(id, entry);
      }
      entry.tests.push(title);
      entry.runs += meta.runs;
      entry.durationMs += Math.round(meta.durationMs);
      const worse = outcome.verdict !== entry.verdict && worseVerdict(outcome.verdict, entry.verdict) === outcome.verdict;
      if (worse || entry.tests.length === 1) {
        entry.verdict = outcome.verdict;
        if (outcome.reason !== undefined) entry.reason = outcome.reason;
        else delete entry.reason;
        if (outcome.failure) {
          entry.failure = {
            message: outcome.failure.message,
            counterexample: outcome.failure.counterexample,
            seed: outcome.failure.seed,
            ...(outcome.failure.path ? { path: outcome.failure.path } : {}),
            replay: outcome.replay ?? '',
          };
        } else delete entry.failure;
      }
    }
  }
  const requirements = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  const rev = gitRevision();
  return {
    schemaVersion: 1,
    suite: { name: 'kinde-token-conformance', version: SUITE_VERSION, ...(rev ? { gitRevision: rev } : {}) },
    target,
    seed: options.seed,
    runs: options.runs,
    strict: options.strict,
    node: process.version,
    startedAt: times.startedAt.toISOString(),
    finishedAt: times.finishedAt.toISOString(),
    ...(shard ? { shard } : {}),
    requirements,
    summary: summarize(requirements),
  };
}
