/**
 * Judging a token request issued with generated workflows deployed against
 * the same request without them (the baseline), by what the workflows must
 * have done (expect-workflows.ts). Shared by the workflow suites.
 */
import type { JsonValue, TokenType, WorkflowFixtureSet } from '../../adapters/types.js';
import type { UserScenario } from '../../generators/tenant.js';
import type { FixtureReads, TokenBinding, UndefinedWrite, WorkflowProgram } from '../../generators/workflow.js';
import type { CheckEnv } from './check.js';
import { judgeAgainstBaseline, type BaselineRequirements } from './compare.js';
import { expectWorkflows, finalClaims, namesWrittenElsewhere, possibleClaims, type Expectation } from './expect-workflows.js';
import { clientCredentialsExpectingToken, deployWorkflows, provision, redactRequest, signInExpectingTokens, tokensOf } from './flows.js';
import { m2mEventValues, sourcesOf, userEventValues } from './issuance.js';
import type { Decoded } from './tokens.js';
import { Violation, type Judge } from './violation.js';

/** Counterexamples reach the fewest workflows and ops before the tenant is shrunk. */
export const WORKFLOWS_FIRST = ['programs', 'program', 'm2mPrograms', 'userPrograms'];

const USER_BINDINGS: Array<[TokenType, TokenBinding]> = [
  ['access', 'kinde.accessToken'],
  ['id', 'kinde.idToken'],
];

/** The fixtures a target answers {@link FixtureReads} with: each env value (not secret), each URL a 200 JSON answer to GET. */
export function fixtureSet(reads: FixtureReads): WorkflowFixtureSet {
  return {
    env: Object.fromEntries(Object.entries(reads.env).map(([k, value]) => [k, { value, isSecret: false }])),
    fetch: Object.entries(reads.fetch).map(([url, json]) => ({ method: 'GET', url, status: 200, json })),
  };
}

interface UserRunRequirements {
  perToken: (type: TokenType) => BaselineRequirements;
  /** A request that must fail did not, or vice versa. */
  outcome: (e: Expectation) => string;
}

/**
 * Sign in without workflows (baseline), deploy `programs`, sign in again and
 * judge the second response against what the programs must have done.
 * `reqs` names the requirement each kind of deviation breaks. With several
 * `undefinedWrites` modes the response must match what one of them expects
 * (the first one's violation is reported when none matches).
 */
export async function judgeUserRun(
  env: CheckEnv,
  judge: Judge,
  scenario: UserScenario,
  programs: WorkflowProgram[],
  reqs: UserRunRequirements,
  undefinedWrites: readonly UndefinedWrite[] = ['refuse'],
  reads?: FixtureReads,
): Promise<void> {
  const all = [...new Set([...USER_BINDINGS.flatMap(([t]) => Object.values(reqs.perToken(t)))])];
  await provision(env, judge, scenario.tenant);
  const baseline = await signInExpectingTokens(env, judge, scenario.request, all);
  if (!baseline) return;
  await deployWorkflows(env, judge, sourcesOf(programs), reads === undefined ? undefined : fixtureSet(reads));
  const event = userEventValues(scenario.request);
  const expectations = undefinedWrites.map((mode) => expectWorkflows(programs, 'user:tokens_generation', event, undefined, mode, reads));
  const result = await env.adapter.signIn(scenario.request);
  const seen: Violation[] = [];
  for (const expectation of expectations) {
    try {
      judgeUserResult(judge, baseline, result, expectation, reqs);
      return;
    } catch (e) {
      if (!(e instanceof Violation)) throw e;
      seen.push(e);
    }
  }
  const [first, ...others] = seen;
  if (!first) return;
  if (others.length === 0) throw first;
  // Every allowed outcome was missed: say how, for each (the first one's details and trace).
  const text = (v: Violation) => v.message.slice(v.requirement.length + 2);
  const message = [text(first), ...others.map((v, i) => `nor as expected if undefined claims are ${undefinedWrites[i + 1] === 'omit' ? 'left out' : 'refused'}: ${text(v)}`)].join('; ');
  throw new Violation(first.code, first.requirement, message, first.details, first.trace);
}

function judgeUserResult(
  judge: Judge,
  baseline: { access: Decoded; id?: Decoded },
  result: Awaited<ReturnType<CheckEnv['adapter']['signIn']>>,
  expectation: Expectation,
  reqs: UserRunRequirements,
): void {
  const outcomeReq = reqs.outcome(expectation);
  if (expectation.refusal) {
    judge.check(
      !result.ok,
      outcomeReq,
      'ERR_REQUEST_ACCEPTED',
      `workflow "${expectation.refusal.workflow}" fails (${expectation.refusal.cause}) with failurePolicy stop, yet the target issued tokens`,
    );
    return;
  }
  const actual = tokensOf(judge, result, [outcomeReq], 'sign-in with workflows deployed');
  if (!actual) return;
  for (const [type, binding] of USER_BINDINGS) {
    const b = type === 'access' ? baseline.access : baseline.id;
    const a = type === 'access' ? actual.access : actual.id;
    if (!b || !a) continue;
    judgeAgainstBaseline(
      judge,
      type,
      b,
      a,
      finalClaims(expectation.writes, binding),
      namesWrittenElsewhere(expectation.writes, binding),
      reqs.perToken(type),
      possibleClaims(expectation, binding),
    );
  }
}

export const CORE_USER: Record<'access' | 'id', BaselineRequirements> = {
  access: { prohibited: 'WF-PROHIBITED-ACCESS', custom: 'WF-CUSTOM-ACCESS', isolation: 'WF-CUSTOM-ISOLATION' },
  id: { prohibited: 'WF-PROHIBITED-ID', custom: 'WF-CUSTOM-ID', isolation: 'WF-CUSTOM-ISOLATION' },
};

export function same(req: string): BaselineRequirements {
  return { prohibited: req, custom: req, isolation: req };
}

/** One issuance through client credentials with and without workflows. */
export async function judgeM2mRun(
  env: CheckEnv,
  judge: Judge,
  input: { tenant: UserScenario['tenant']; request: Parameters<CheckEnv['adapter']['clientCredentials']>[0] },
  programs: WorkflowProgram[],
  reqs: BaselineRequirements,
  applies: boolean,
  reads?: FixtureReads,
): Promise<void> {
  const all = [...new Set(Object.values(reqs))];
  await provision(env, judge, input.tenant);
  const baseline = await clientCredentialsExpectingToken(env, judge, input.request, all);
  if (!baseline) return;
  await deployWorkflows(env, judge, sourcesOf(programs), reads === undefined ? undefined : fixtureSet(reads));
  const event = m2mEventValues(input.request.clientId, input.request.audience);
  const expectation = expectWorkflows(programs, 'm2m:token_generation', event, undefined, undefined, reads);
  if (applies && expectation.refusal) {
    // A workflow that fails with failurePolicy stop ends the request.
    judge.trace.request = redactRequest(input.request);
    const refused = await env.adapter.clientCredentials(input.request);
    const { workflow, cause } = expectation.refusal;
    judge.check(!refused.ok, reqs.custom, 'ERR_REQUEST_ACCEPTED', `workflow "${workflow}" fails (${cause}) with failurePolicy stop, yet the target issued a token`);
    return;
  }
  const actual = await clientCredentialsExpectingToken(env, judge, input.request, all);
  if (!actual) return;
  // Here no stop-policy failure is expected where the workflows apply (that returned above).
  const writes = applies ? expectation.writes : [];
  const anyOf = applies ? possibleClaims(expectation, 'kinde.m2mToken') : new Map<string, JsonValue[]>();
  judgeAgainstBaseline(judge, 'm2m', baseline.token, actual.token, finalClaims(writes, 'kinde.m2mToken'), new Set(), reqs, anyOf);
}
