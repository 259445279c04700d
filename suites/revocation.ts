/**
 * Token revocation (configure-tokens: `POST /oauth2/revoke`, success 200;
 * about-access-tokens: a new access token after "You revoke your existing
 * access token"; RFC 7009) as model-based sequences: sign-ins, refreshes with
 * live, rotated-out and revoked tokens, revocations of either token (every
 * kind of hint, by the owner, by another client, with a wrong secret) and
 * clock moves, run by `fc.asyncModelRun` against the refresh model extended
 * with what revocation changes (lib/revoke-model.ts).
 *
 * Allowed variations pass: a server that also revokes the access token when
 * its refresh token is revoked (RFC 7009 §2.1 SHOULD), or the refresh token
 * when the access token is revoked (MAY), or that answers 200 with any body.
 */
import fc from 'fast-check';
import { userScenarioArb } from '../generators/tenant.js';
import { defineCheck, type Check } from './lib/check.js';
import { AdvanceClockCommand } from './lib/refresh-commands.js';
import type { RefreshCommand } from './lib/refresh-real.js';
import { advanceArb, refreshArb, runSequence, signInArb, variantArb, type SequenceInput } from './lib/refresh-sequence.js';
import { RevokeCommand, type Asker, type HintVariant } from './lib/revoke-commands.js';
import type { RevokeTarget } from './lib/revoke-model.js';

export { RevokeCommand } from './lib/revoke-commands.js';

const hintArb = fc.constantFrom<HintVariant>('none', 'right', 'wrong', 'invalid');

export const revokeArb = (target: RevokeTarget, by: Asker = 'owner'): fc.Arbitrary<RefreshCommand> =>
  fc.tuple(hintArb, fc.nat(7)).map(([hint, pick]) => new RevokeCommand(target, hint, by, pick));

/**
 * One command of every kind, in an order whose preconditions hold after the
 * offline sign-in every sequence starts with: another client's attempt and
 * one with a wrong secret, then a refresh that must still succeed; the access token revoked, then a refresh
 * that must bring a new one; the refresh token revoked, then a refresh with it
 * that must be refused; an unknown token revoked. Generated commands follow.
 */
export function revocationPrefixArb(clock: boolean): fc.Arbitrary<RefreshCommand[]> {
  return fc
    .tuple(
      revokeArb('refresh', 'other'),
      revokeArb('refresh', 'wrong-secret'),
      refreshArb('live'),
      revokeArb('access'),
      refreshArb('live'),
      revokeArb('refresh'),
      refreshArb('revoked'),
      revokeArb('unknown'),
      revokeArb('rotated'),
      // A fixed move: one aimed at a refresh token's lifetime has no target once the owner revoked the live one.
      fc.oneof(fc.constantFrom(1, 60, 3_601, 86_401), fc.integer({ min: 1, max: 7_200 })).map((s) => new AdvanceClockCommand('fixed', s)),
    )
    .map(([other, wrong, r1, access, r2, refresh, r3, unknown, rotated, advance]) => [other, wrong, r1, access, r2, refresh, r3, unknown, rotated, ...(clock ? [advance] : [])]);
}

export const checks: Check<any>[] = [
  defineCheck<SequenceInput>({
    name: 'revocation sequences: a revoked refresh token is refused, a revoked access token is replaced on refresh, 200 for any token, another client revokes nothing',
    requirements: ['REVOKE-REFRESH-REFUSED', 'REVOKE-ACCESS-NEW-ON-REFRESH', 'REVOKE-INVALID-TOKEN-200', 'REVOKE-CLIENT-BOUND'],
    needs: ['userTokens', 'refresh', 'revocation'],
    runsFactor: 1,
    arbitrary: (env) => {
      const clock = env.info.capabilities.clock;
      const overlap = env.info.refreshOverlapSeconds ?? 0;
      const cmds: fc.Arbitrary<RefreshCommand>[] = [
        signInArb('offline'),
        refreshArb('live'),
        refreshArb('live'),
        refreshArb('rotated'),
        refreshArb('revoked'),
        ...(['refresh', 'refresh', 'access', 'access', 'rotated', 'unknown'] as const).map((t) => revokeArb(t)),
        revokeArb('refresh', 'other'),
        revokeArb('refresh', 'wrong-secret'),
        ...(clock ? [advanceArb(overlap)] : []),
      ];
      return fc.record({
        scenario: fc.noShrink(userScenarioArb({ maxUsers: 1, maxOrganizations: 1, maxExtraApplications: 1 })),
        first: variantArb('offline'),
        commands: fc.tuple(revocationPrefixArb(clock), fc.array(fc.oneof(...cmds), { maxLength: 4 })).map(([prefix, rest]) => [...prefix, ...rest]),
      });
    },
    predicate: async (input, judge, env) => {
      await runSequence(input, judge, env, { refusalBlame: [] });
    },
  }),
];
