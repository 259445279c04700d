/**
 * The workflow runtime's other bindings (kinde.env, kinde.fetch), judged
 * through @kinde/infrastructure's own helpers on a target that answers them
 * from fixtures (capability `workflowFixtures`: the values are known to the
 * suite, so what lands in the token can be predicted exactly). A target without
 * fixture support is NOT_APPLICABLE, never a pass.
 */
import fc from 'fast-check';
import type { JsonObject, JsonValue, WorkflowFixtureSet } from '../adapters/types.js';
import { m2mScenarioArb, type M2mScenario } from '../generators/tenant.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { clientCredentialsExpectingToken, provision } from './lib/flows.js';
import { jsonEqual, own } from './lib/json.js';
import type { Judge } from './lib/violation.js';

const ENV_KEY = 'KTC_FIXTURE_VALUE';
const ANSWER_URL = 'https://fixtures.example/ktc/answer';
const LIBRARY_ERRORS = {
  env: 'env binding not available, please add to workflow/page settings to enable',
  fetch: 'fetch binding not available',
};

/** An M2M workflow with these bindings (besides kinde.m2mToken) and body; `claims` is its m2mTokenClaims proxy. */
function source(id: string, bindings: readonly string[], body: string): string {
  const declared = ['kinde.m2mToken', ...bindings].map((b) => `${JSON.stringify(b)}: {}`).join(', ');
  return [
    "import { fetch, getEnvironmentVariable, m2mTokenClaims, WorkflowTrigger } from '@kinde/infrastructure';",
    `export const workflowSettings = { id: ${JSON.stringify(id)}, trigger: WorkflowTrigger.M2MTokenGeneration, failurePolicy: { action: 'stop' }, bindings: { ${declared} } };`,
    'export default async function Workflow(event) {',
    '  const claims = m2mTokenClaims();',
    body,
    '}',
  ].join('\n');
}

/** Reads the env variable and the fetch answer through the library's helpers into two claims. */
const READER = source(
  'ktcFixtureReader',
  ['kinde.env', 'kinde.fetch', 'url'],
  [
    `  claims.ktc_env = getEnvironmentVariable(${JSON.stringify(ENV_KEY)});`,
    `  const { data } = await fetch(${JSON.stringify(ANSWER_URL)}, { method: 'GET', responseFormat: 'json' });`,
    '  claims.ktc_fetch = data;',
  ].join('\n'),
);

/** Declares neither kinde.env nor kinde.fetch, and reports what it finds instead of failing. */
const UNDECLARED = source(
  'ktcUndeclaredBindings',
  [],
  [
    '  const seen = { env: typeof kinde.env, fetch: typeof kinde.fetch };',
    `  try { getEnvironmentVariable(${JSON.stringify(ENV_KEY)}); seen.envHelper = 'answered'; } catch (e) { seen.envHelper = String(e && e.message); }`,
    `  try { await fetch(${JSON.stringify(ANSWER_URL)}, { method: 'GET', responseFormat: 'json' }); seen.fetchHelper = 'answered'; } catch (e) { seen.fetchHelper = String(e && e.message); }`,
    '  claims.ktc_bindings = seen;',
  ].join('\n'),
);

interface FixtureInput {
  scenario: M2mScenario;
  value: string;
  isSecret: boolean;
  answer: JsonValue;
}

/** Env values with the edges that readers of .env files and JSON pipelines get wrong: surrounding whitespace, unicode, quotes. */
const envValueArb = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.tuple(fc.constantFrom(' ', '\t', '\n', '  '), fc.string(), fc.constantFrom(' ', '\n', '')).map(([a, s, b]) => `${a}${s}${b}`),
  fc.constantFrom('', '"quoted"', "it's", 'a=b', '#not a comment'),
);

const inputArb: fc.Arbitrary<FixtureInput> = fc.record({
  scenario: m2mScenarioArb(),
  value: envValueArb,
  isSecret: fc.boolean(),
  answer: fc.jsonValue({ maxDepth: 3 }).map((v) => v as JsonValue),
});

function fixtures(input: FixtureInput): WorkflowFixtureSet {
  return {
    env: { [ENV_KEY]: { value: input.value, isSecret: input.isSecret } },
    fetch: [{ method: 'GET', url: ANSWER_URL, status: 200, json: input.answer }],
  };
}

async function issueWith(env: CheckEnv, judge: Judge, input: FixtureInput, workflow: string, requirement: string) {
  await provision(env, judge, input.scenario.tenant);
  judge.trace.workflows = [workflow];
  await env.adapter.deployWorkflow(workflow, fixtures(input));
  return clientCredentialsExpectingToken(env, judge, input.scenario.request, [requirement]);
}

const show = (v: unknown) => JSON.stringify(v)?.slice(0, 300) ?? 'undefined';

/** The M2M claim `claim` must be `expected`, JSON-identical; `what` says where the value came from. */
function expectClaim(judge: Judge, requirement: string, claims: JsonObject, claim: string, expected: JsonValue, what: string): void {
  const actual = own(claims, claim);
  judge.check(jsonEqual(actual, expected), requirement, 'ERR_CLAIM_MISMATCH', () => `${claim} is ${show(actual)}; ${what} ${show(expected)}`, {
    tokenType: 'm2m',
    claim,
    expected,
    actual: actual ?? null,
  });
}

export const checks: Check<any>[] = [
  defineCheck({
    name: 'values read with kinde.env and kinde.fetch land in the claims JSON-identical',
    requirements: ['WF-FIXTURE-VALUES'],
    needs: ['m2m', 'workflows', 'workflowFixtures'],
    arbitrary: () => inputArb,
    async predicate(input: FixtureInput, judge, env) {
      const issued = await issueWith(env, judge, input, READER, 'WF-FIXTURE-VALUES');
      if (!issued) return;
      const claims = issued.token.payload;
      expectClaim(judge, 'WF-FIXTURE-VALUES', claims, 'ktc_env', { value: input.value, isSecret: input.isSecret }, `getEnvironmentVariable(${ENV_KEY}) answered`);
      expectClaim(judge, 'WF-FIXTURE-VALUES', claims, 'ktc_fetch', JSON.parse(JSON.stringify(input.answer)) as JsonValue, `fetch ${ANSWER_URL} answered`);
    },
  }),
  defineCheck({
    name: 'a workflow that declares neither kinde.env nor kinde.fetch gets neither',
    requirements: ['WF-NATIVE-BINDING-GATE'],
    needs: ['m2m', 'workflows', 'workflowFixtures'],
    arbitrary: () => inputArb,
    async predicate(input: FixtureInput, judge, env) {
      const issued = await issueWith(env, judge, input, UNDECLARED, 'WF-NATIVE-BINDING-GATE');
      if (!issued) return;
      const expected = { env: 'undefined', fetch: 'undefined', envHelper: LIBRARY_ERRORS.env, fetchHelper: LIBRARY_ERRORS.fetch };
      expectClaim(judge, 'WF-NATIVE-BINDING-GATE', issued.token.payload, 'ktc_bindings', expected, 'without declaring kinde.env or kinde.fetch a workflow must see');
    },
  }),
];
