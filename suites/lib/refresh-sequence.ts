/** Arbitraries for refresh command lists, and running one list against model and target with `fc.asyncModelRun`. */
import fc from 'fast-check';
import type { UserScenario } from '../../generators/tenant.js';
import type { CheckEnv } from './check.js';
import { provision } from './flows.js';
import { AdvanceClockCommand, RefreshTokenCommand, SignInCommand, type SignInVariant } from './refresh-commands.js';
import { initialModel, type RefreshModel } from './refresh-model.js';
import type { Real, RefreshCommand } from './refresh-real.js';
import type { Judge } from './violation.js';

// ---------------------------------------------------------------------------
// Command arbitraries
// ---------------------------------------------------------------------------

export const variantArb = (variants: 'all' | 'offline'): fc.Arbitrary<SignInVariant> =>
  variants === 'offline'
    ? fc.constantFrom<SignInVariant>('offline', 'both')
    : fc.oneof(
        { weight: 3, arbitrary: fc.constant<SignInVariant>('offline') },
        { weight: 1, arbitrary: fc.constantFrom<SignInVariant>('none', 'offline_access', 'both') },
      );

export const signInArb = (variants: 'all' | 'offline'): fc.Arbitrary<RefreshCommand> => variantArb(variants).map((v) => new SignInCommand(v));

export const refreshArb = (which: 'live' | 'rotated' | 'revoked'): fc.Arbitrary<RefreshCommand> => fc.nat(7).map((p) => new RefreshTokenCommand(which, p));

/** Near a boundary (±3 s, where the drift allowance decides) or clearly on one side of it. */
const deltaArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -7200, max: -4 }), fc.integer({ min: 4, max: 7200 }));

const FIXED_ADVANCES = [1, 60, 3_599, 3_601, 86_399, 86_401, 1_295_999, 1_296_001];

export const advanceArb = (overlap: number): fc.Arbitrary<RefreshCommand> =>
  fc
    .oneof(
      fc.tuple(fc.constant('access' as const), deltaArb),
      fc.tuple(fc.constant('refresh' as const), deltaArb),
      fc.tuple(fc.constant('fixed' as const), fc.oneof(fc.constantFrom(...FIXED_ADVANCES), fc.integer({ min: 1, max: 7200 }))),
      ...(overlap > 0 ? [fc.tuple(fc.constant('overlap' as const), fc.integer({ min: -3, max: 3 }))] : []),
    )
    .map(([to, delta]) => new AdvanceClockCommand(to, delta));

/**
 * One command of every kind a sequence check uses, first in every sequence and in an order whose
 * preconditions hold after an offline sign-in (a live refresh, then a rotated-out one, then a clock
 * move), so each kind is reached at any seed (test/verifier-model-coverage.test.ts). Generated commands follow.
 */
export function refreshPrefixArb(kinds: { rotatedOut: boolean; clock: boolean }, overlap: number): fc.Arbitrary<RefreshCommand[]> {
  return fc
    .tuple(fc.constantFrom<SignInVariant>('offline', 'both').map((v) => new SignInCommand(v)), refreshArb('live'), refreshArb('rotated'), advanceArb(overlap))
    .map(([signIn, live, rotated, advance]) => [signIn, live, ...(kinds.rotatedOut ? [rotated] : []), ...(kinds.clock ? [advance] : [])]);
}

/** The command kinds of a refresh sequence check, as `kind` of each command (coverage self-test). */
export function refreshCommandKind(c: RefreshCommand): string {
  return c instanceof RefreshTokenCommand ? `refresh:${c.which}` : c instanceof SignInCommand ? 'sign-in' : c instanceof AdvanceClockCommand ? 'advance-clock' : c.constructor.name;
}

// ---------------------------------------------------------------------------
// Running a sequence
// ---------------------------------------------------------------------------

export interface SequenceInput {
  scenario: UserScenario;
  /** Every sequence starts with this sign-in, so no run is spent on commands that cannot apply. */
  first: SignInVariant;
  commands: Iterable<RefreshCommand>;
}

export interface SequenceOptions {
  refusalBlame: readonly string[];
  /** Wall clock in ms (tests inject a frozen one). */
  wallMs?: () => number;
}

/** Provision the scenario's tenant, then run the commands against model and target. */
export async function runSequence(input: SequenceInput, judge: Judge, env: CheckEnv, options: SequenceOptions): Promise<RefreshModel> {
  const wallMs = options.wallMs ?? (() => performance.now());
  let model: RefreshModel | undefined;
  await fc.asyncModelRun(async () => {
    await provision(env, judge, input.scenario.tenant);
    judge.trace.commands = [];
    model = initialModel(input.scenario.application.lifetimes, env.info.refreshOverlapSeconds ?? 0, env.info.capabilities.clock);
    const real: Real = {
      env,
      judge,
      app: input.scenario.application,
      request: input.scenario.request,
      tenant: input.scenario.tenant,
      raw: new Map(),
      refusalBlame: options.refusalBlame,
      startedMs: wallMs(),
      wallMs,
    };
    await new SignInCommand(input.first).run(model, real);
    return { model, real };
  }, input.commands);
  return model!;
}

