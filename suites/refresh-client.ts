/**
 * A refresh token belongs to the client it was issued to (RFC 6749 §6): in
 * model-based sequences of sign-ins and refreshes, another application of the
 * same environment presents a live refresh token with its own credentials and
 * must be refused. The other application is derived from the scenario's, so
 * the tenant the sequence provisions holds it.
 */
import fc from 'fast-check';
import type { Application, RefreshRequest } from '../adapters/types.js';
import { userScenarioArb, type UserScenario } from '../generators/tenant.js';
import { defineCheck, type Check } from './lib/check.js';
import { applyRefreshRefused, liveTokens, type RefreshModel } from './lib/refresh-model.js';
import { RefreshTokenCommand, runSequence, SignInCommand, type Real, type RefreshCommand } from './refresh.js';

const REQ = 'RT-CLIENT-BOUND';

/** A second application of the same kind: another client ID and secret, nothing else toggled. */
export function otherApplication(app: Application): Application {
  const last = app.clientId.at(-1) === 'a' ? 'b' : 'a';
  return { ...app, clientId: `${app.clientId.slice(0, -1)}${last}`, clientSecret: `${app.clientSecret}-other`, name: `${app.name} (other client)`, tokens: {}, properties: {} };
}

function withOtherClient(s: UserScenario): UserScenario {
  const other = otherApplication(s.application);
  if (s.tenant.applications.some((a) => a.clientId === other.clientId)) return s;
  return { ...s, tenant: { ...s.tenant, applications: [...s.tenant.applications, other] } };
}

export class RefreshWithOtherClientCommand implements RefreshCommand {
  constructor(readonly pick: number) {}

  check(m: Readonly<RefreshModel>): boolean {
    return liveTokens(m).length > 0;
  }

  async run(m: RefreshModel, r: Real): Promise<void> {
    const candidates = liveTokens(m);
    const token = candidates[this.pick % candidates.length]!;
    const other = otherApplication(r.app);
    const request: RefreshRequest = { clientId: other.clientId, refreshToken: r.raw.get(token.label)! };
    if (other.kind !== 'frontend') request.clientSecret = other.clientSecret;
    (r.judge.trace.commands ??= []).push(`refreshAsOtherClient(${token.label})`);
    r.judge.trace.request = { grantType: 'refresh_token', clientId: other.clientId, refreshToken: token.label, ...(request.clientSecret ? { clientSecret: '[redacted]' } : {}) };
    const result = await r.env.adapter.refresh(request);
    r.judge.check(!result.ok, REQ, 'ERR_REQUEST_ACCEPTED', `the target accepted ${token.label}, issued to ${r.app.clientId}, from another application (${other.clientId})`);
    // Whether a target revokes a token after misuse is not documented: it is not offered again.
    applyRefreshRefused(m, token);
    const lines = r.judge.trace.commands!;
    lines[lines.length - 1] += ' → refused';
  }

  toString(): string {
    return `refreshAsOtherClient(#${this.pick})`;
  }
}

export const checks: Check<any>[] = [
  defineCheck({
    name: 'refresh sequences: a refresh token presented by another application is refused',
    requirements: [REQ],
    needs: ['userTokens', 'refresh'],
    arbitrary: () =>
      fc.record({
        scenario: fc.noShrink(userScenarioArb({ maxUsers: 1, maxOrganizations: 1, maxExtraApplications: 0 }).map(withOtherClient)),
        first: fc.constant('offline' as const),
        // Every kind first (the other client's refresh, the owner's refresh, a sign-in), so each is reached at any seed; then generated ones.
        commands: fc
          .tuple(
            fc.tuple(fc.nat(7), fc.nat(7)).map(([a, b]): RefreshCommand[] => [new RefreshWithOtherClientCommand(a), new RefreshTokenCommand('live', b), new SignInCommand('offline')]),
            fc.array(
              fc.oneof(
                fc.constant<RefreshCommand>(new SignInCommand('offline')),
                fc.nat(7).map((p) => new RefreshTokenCommand('live', p)),
                fc.nat(7).map((p) => new RefreshWithOtherClientCommand(p)),
              ),
              { maxLength: 2 },
            ),
          )
          .map(([prefix, rest]) => [...prefix, ...rest]),
      }),
    predicate: async (input, judge, env) => {
      await runSequence(input, judge, env, { refusalBlame: [] });
    },
  }),
];
