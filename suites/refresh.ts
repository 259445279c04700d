/**
 * Refresh tokens ("Refresh tokens" page, §3; "Behaviour on refresh" on the
 * access-token page, §6; default lifetimes, S1) as model-based sequences:
 * fast-check generates sign-ins, refreshes with the current or a rotated-out
 * token, and clock advances, run by `fc.asyncModelRun`; a model (lib/refresh-model.ts) says what each
 * answer must be, and every observation is judged against the requirement it
 * belongs to. A failure shrinks to the shortest command list that still
 * breaks it, which the report prints as `judge.trace.commands`.
 *
 * Raw refresh and access tokens stay in {@link Real}; the trace only ever
 * shows labels (`rt#2`, `at#1`) and client secrets are never in it.
 */
import fc from 'fast-check';
import { userScenarioArb } from '../generators/tenant.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { advanceArb, refreshArb, refreshPrefixArb, runSequence, signInArb, variantArb, type SequenceInput } from './lib/refresh-sequence.js';
import type { RefreshCommand } from './lib/refresh-real.js';

export type { Real, RefreshCommand } from './lib/refresh-real.js';
export { AdvanceClockCommand, RefreshTokenCommand, SignInCommand, type SignInVariant } from './lib/refresh-commands.js';
export { runSequence, type SequenceInput, type SequenceOptions } from './lib/refresh-sequence.js';

interface SequenceCheck {
  name: string;
  requirements: string[];
  clock: boolean;
  signIns: 'all' | 'offline';
  rotatedOut: boolean;
  maxCommands: number;
  runsFactor: number;
  refusalBlame: string[];
}

function sequenceCheck(spec: SequenceCheck): Check<SequenceInput> {
  return defineCheck({
    name: spec.name,
    requirements: spec.requirements,
    needs: spec.clock ? ['userTokens', 'refresh', 'clock'] : ['userTokens', 'refresh'],
    runsFactor: spec.runsFactor,
    ...(spec.rotatedOut && !spec.clock
      ? {
          notApplicable: (env: CheckEnv) =>
            (env.info.refreshOverlapSeconds ?? 0) > 0
              ? `the target declares a ${env.info.refreshOverlapSeconds} s overlap window; only the clock check can judge it`
              : undefined,
        }
      : {}),
    arbitrary: (env) => {
      const overlap = env.info.refreshOverlapSeconds ?? 0;
      const cmds: fc.Arbitrary<RefreshCommand>[] = [signInArb(spec.signIns), refreshArb('live'), refreshArb('live')];
      if (spec.rotatedOut) cmds.push(refreshArb('rotated'), refreshArb('rotated'));
      if (spec.clock) cmds.push(advanceArb(overlap), advanceArb(overlap));
      // fc.array, not fc.commands: fc.commands shrinks by which commands last ran, which a
      // `--path` replay (no predicate runs while walking the path) cannot know, so its paths
      // fail with "Unable to replay". Array shrinking drops the skipped commands just as well.
      // Every kind first (refreshPrefixArb), then generated commands, within the same length as before.
      const prefixLength = 2 + (spec.rotatedOut ? 1 : 0) + (spec.clock ? 1 : 0);
      return fc.record({
        scenario: fc.noShrink(userScenarioArb({ maxUsers: 1, maxOrganizations: 1, maxExtraApplications: 0 })),
        first: variantArb(spec.signIns),
        commands: fc
          .tuple(refreshPrefixArb(spec, overlap), fc.array(fc.oneof(...cmds), { maxLength: Math.max(0, spec.maxCommands - prefixLength) }))
          .map(([prefix, rest]) => [...prefix, ...rest]),
      });
    },
    predicate: async (input, judge, env) => {
      await runSequence(input, judge, env, { refusalBlame: spec.refusalBlame });
    },
  });
}

export const checks: Check<any>[] = [
  sequenceCheck({
    name: 'refresh sequences: refresh tokens only for offline, always rotated, access token reused while unexpired',
    requirements: ['RT-OFFLINE-ONLY', 'RT-OFFLINE-ACCESS', 'RT-ROTATE', 'RT-ACCESS-UNCHANGED'],
    clock: false,
    signIns: 'all',
    rotatedOut: false,
    maxCommands: 6,
    runsFactor: 1,
    refusalBlame: ['RT-ROTATE'],
  }),
  sequenceCheck({
    // Only decides anything when the target declares no overlap window; with one, the clock check below does.
    name: 'refresh sequences: a rotated-out refresh token is refused at once (no overlap window)',
    requirements: ['RT-OLD-REFUSED'],
    clock: false,
    signIns: 'offline',
    rotatedOut: true,
    maxCommands: 6,
    runsFactor: 1,
    refusalBlame: [],
  }),
  sequenceCheck({
    name: 'refresh sequences over time: new access token after expiry, refresh-token lifetime',
    requirements: ['RT-ROTATE', 'RT-ACCESS-UNCHANGED', 'RT-ACCESS-NEW-AFTER-EXPIRY', 'RT-LIFETIME'],
    clock: true,
    signIns: 'offline',
    rotatedOut: false,
    maxCommands: 8,
    runsFactor: 1,
    refusalBlame: ['RT-LIFETIME', 'RT-ROTATE'],
  }),
  sequenceCheck({
    name: 'refresh sequences over time: a rotated-out refresh token is refused after the overlap window',
    requirements: ['RT-OLD-REFUSED'],
    clock: true,
    signIns: 'offline',
    rotatedOut: true,
    maxCommands: 8,
    runsFactor: 1,
    refusalBlame: [],
  }),
];
