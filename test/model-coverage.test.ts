/**
 * Stateful paths independent of the seed (issue 18): every command kind of
 * every model-based check is reached in every run, at any seed, with the
 * number of runs the check gets by default — the key-rotation case "a token
 * whose kid the verifier meets before the key is published" included. The
 * sequences start with one command of each kind (prefixArb,
 * refreshPrefixArb); this samples them over several seeds and walks each
 * sequence's preconditions from the initial state, so a kind that is
 * generated but could never run counts as unreached.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TargetInfo } from '../adapters/types.js';
import type { VerifierInfo } from '../adapters/verifier-types.js';
import type { CheckEnv } from '../suites/lib/check.js';
import { refreshCommandKind } from '../suites/lib/refresh-sequence.js';
import type { RefreshCommand } from '../suites/lib/refresh-real.js';
import { checks as refreshChecks } from '../suites/refresh.js';
import { checks as refreshClientChecks } from '../suites/refresh-client.js';
import { COMMAND_KINDS, sequenceArb, type Cmd } from '../suites/verifier-model.js';
import { DEFAULT_RUNS } from '../runner/options.js';

const SEEDS = [1, 2, 3, 4, 5, 42, 1234];

const verifierInfo: VerifierInfo = {
  name: 'coverage',
  version: '0',
  capabilities: { remoteJwks: true, orgEnforcement: true, audience: true, tokenType: true, httpRequest: true },
  jwksRefreshMs: 1_000,
};
const env = { info: { refreshOverlapSeconds: 0 } as TargetInfo, verifier: { adapter: undefined as never, info: verifierInfo } } as unknown as CheckEnv;

/** fc.commands wraps each command; the prefix is bare. */
const inner = <T>(c: T): T => ((c as { cmd?: T }).cmd ?? c);

/** The verifier model's state as far as the preconditions read it. */
interface Walk {
  waitedMs: number;
  changes: number;
  tokens: unknown[];
  tolerance: number;
}

/** Kinds whose check() held where they stood, walking from the initial state (one token presented in setup). */
function reachedVerifierKinds(commands: Iterable<Cmd>): Set<string> {
  const m: Walk = { waitedMs: 0, changes: 0, tokens: [0], tolerance: 0 };
  const reached = new Set<string>();
  for (const wrapped of commands) {
    const c = inner(wrapped) as Cmd & { ms?: number };
    if (!c.check(m as never)) continue;
    const kind = c.constructor.name;
    reached.add(kind);
    if (kind === 'Wait') m.waitedMs += c.ms!;
    if (kind === 'PresentUntilExpired') m.waitedMs += 2_000;
    if (kind === 'ChangeKeys') m.changes += 1;
    if (kind.startsWith('Present')) m.tokens.push(0);
  }
  return reached;
}

describe('every command kind of a model-based check is reached at any seed', () => {
  for (const [model, keyChanges] of [['time', false], ['keys', true]] as const) {
    it(`verifier ${model} sequences: ${COMMAND_KINDS[model].join(', ')}`, () => {
      const runs = Math.max(1, Math.round(DEFAULT_RUNS * 0.1));
      for (const seed of SEEDS) {
        for (const input of fc.sample(sequenceArb(env, keyChanges), { numRuns: runs, seed })) {
          const reached = reachedVerifierKinds(input.commands);
          for (const kind of COMMAND_KINDS[model]) expect(reached, `seed ${seed}: ${kind}`).toContain(kind);
        }
      }
    });
  }

  it('the walk can fail: a sequence without a key change, or one whose wait budget is spent first, misses kinds', () => {
    const keys = [...fc.sample(sequenceArb(env, true), { numRuns: 1, seed: 1 })[0]!.commands];
    expect(reachedVerifierKinds(keys.filter((c) => inner(c).constructor.name !== 'ChangeKeys'))).not.toContain('ChangeKeys');
    const time = [...fc.sample(sequenceArb(env, false), { numRuns: 1, seed: 1 })[0]!.commands];
    const wait = inner(time.find((c) => inner(c).constructor.name === 'Wait')!);
    const long = Object.assign(Object.create(Object.getPrototypeOf(wait) as object) as Cmd, wait, { ms: 1_500 });
    expect(reachedVerifierKinds([long, long, long, ...time])).not.toContain('PresentUntilExpired');
  });

  const refresh = [...refreshChecks, ...refreshClientChecks];
  for (const check of refresh) {
    it(`refresh model: ${check.name}`, () => {
      const kinds = new Set<string>();
      const perRun: Array<Set<string>> = [];
      for (const seed of SEEDS.slice(0, 3)) {
        for (const input of fc.sample(check.arbitrary(env) as fc.Arbitrary<{ commands: Iterable<RefreshCommand> }>, { numRuns: DEFAULT_RUNS * (check.runsFactor ?? 1), seed })) {
          const order = [...input.commands].map((c) => refreshCommandKind(inner(c)));
          const run = new Set(order);
          perRun.push(run);
          // A rotated-out token exists only after a live refresh: the first of those comes first.
          if (run.has('refresh:rotated')) expect(order.indexOf('refresh:live')).toBeLessThan(order.indexOf('refresh:rotated'));
          for (const k of run) kinds.add(k);
        }
      }
      // Every run holds every kind the check ever generates.
      for (const run of perRun) expect([...kinds].filter((k) => !run.has(k))).toEqual([]);
      expect(kinds.has('refresh:live')).toBe(true);
      if (/rotated-out/.test(check.name)) expect(kinds).toContain('refresh:rotated');
      if (/over time/.test(check.name)) expect(kinds).toContain('advance-clock');
    });
  }
});
