/**
 * The workflow runtime's other bindings (kinde.env, kinde.fetch), judged
 * through @kinde/infrastructure's own helpers on a target that answers them
 * from fixtures (capability `workflowFixtures`: the values are known to the
 * suite, so what lands in the token can be predicted exactly). A target without
 * fixture support is NOT_APPLICABLE, never a pass.
 */
import fc from 'fast-check';
import type { JsonObject, JsonValue, WorkflowFixtureSet } from '../adapters/types.js';
import { shrinkingFirst } from '../generators/shrink.js';
import { m2mScenarioArb, userScenarioArb, type M2mScenario } from '../generators/tenant.js';
import { workflowListArb, type FixtureReads, type WorkflowProgram, type WorkflowTriggerName } from '../generators/workflow.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { clientCredentialsExpectingToken, provision } from './lib/flows.js';
import { withOpenId } from './lib/issuance.js';
import { judgeM2mRun, judgeUserRun, same, WORKFLOWS_FIRST } from './lib/judge-workflows.js';
import { jsonEqual, own } from './lib/json.js';
import type { Judge } from './lib/violation.js';

const ENV_KEY = 'KTC_FIXTURE_VALUE';
const ANSWER_URL = 'https://fixtures.example/ktc/answer';
/** The native bindings a workflow may declare besides its token binding, each with the library helper that reads it and the error that helper throws when the binding is missing (@kinde/infrastructure 0.9.0). */
const NATIVE_BINDINGS = [
  { binding: 'kinde.env', helper: 'getEnvironmentVariable', error: 'env binding not available, please add to workflow/page settings to enable' },
  { binding: 'kinde.fetch', helper: 'fetch', error: 'fetch binding not available' },
  { binding: 'kinde.secureFetch', helper: 'secureFetch', error: 'secureFetch binding not available' },
] as const;
type NativeBinding = (typeof NATIVE_BINDINGS)[number]['binding'];

/** An M2M workflow with these bindings (besides kinde.m2mToken) and body; `claims` is its m2mTokenClaims proxy. */
function source(id: string, bindings: readonly string[], body: string): string {
  const declared = ['kinde.m2mToken', ...bindings].map((b) => `${JSON.stringify(b)}: {}`).join(', ');
  return [
    "import { fetch, getEnvironmentVariable, m2mTokenClaims, secureFetch, WorkflowTrigger } from '@kinde/infrastructure';",
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

/** How a workflow calls each native binding's helper (what it reads is not judged here, only whether it is answered). */
const HELPER_CALL: Readonly<Record<NativeBinding, string>> = {
  'kinde.env': `getEnvironmentVariable(${JSON.stringify(ENV_KEY)})`,
  'kinde.fetch': `await fetch(${JSON.stringify(ANSWER_URL)}, { method: 'GET', responseFormat: 'json' })`,
  'kinde.secureFetch': `await secureFetch(${JSON.stringify(ANSWER_URL)}, { method: 'GET', responseFormat: 'json' })`,
};

/**
 * Declares `declared` (and `url`) only, and reports for every native binding
 * whether it is there and what its library helper does, instead of failing.
 * Each subset is its own source: a runtime that gates one binding by another's
 * declaration (or by any) is seen.
 */
function gateProbe(declared: readonly NativeBinding[]): string {
  const lines = ['  const seen = {};'];
  for (const { binding } of NATIVE_BINDINGS) {
    const key = binding.slice('kinde.'.length);
    lines.push(`  seen.${key} = typeof kinde.${key};`);
    lines.push(`  try { ${HELPER_CALL[binding]}; seen.${key}Helper = 'answered'; } catch (e) { seen.${key}Helper = String(e && e.message); }`);
  }
  lines.push('  claims.ktc_bindings = seen;');
  const id = `ktcBindingGate${declared.map((b) => b.slice('kinde.'.length).replace(/^./, (c) => c.toUpperCase())).join('') || 'None'}`;
  return source(id, [...declared, 'url'], lines.join('\n'));
}

/** What {@link gateProbe} must see: each declared binding there and answered, each undeclared one absent and its helper's own error. */
function gateExpected(declared: readonly NativeBinding[]): JsonObject {
  const seen: JsonObject = {};
  for (const { binding, error } of NATIVE_BINDINGS) {
    const key = binding.slice('kinde.'.length);
    const on = declared.includes(binding);
    seen[key] = on ? (binding === 'kinde.env' ? 'object' : 'function') : 'undefined';
    seen[`${key}Helper`] = on ? 'answered' : error;
  }
  return seen;
}

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

interface GateInput extends FixtureInput {
  declared: NativeBinding[];
}

const inputArb: fc.Arbitrary<FixtureInput> = fc.record({
  scenario: m2mScenarioArb(),
  value: envValueArb,
  isSecret: fc.boolean(),
  answer: fc.jsonValue({ maxDepth: 3 }).map((v) => v as JsonValue),
});

const gateInputArb: fc.Arbitrary<GateInput> = fc
  .tuple(inputArb, fc.subarray(NATIVE_BINDINGS.map((b) => b.binding)))
  .map(([input, declared]) => ({ ...input, declared }));

/** Env keys and GET URLs generated workflows read; the fixtures hold a generated subset of them, so some reads miss. */
const READ_KEYS = ['KTC_ENV_A', 'KTC_ENV_B', 'KTC_ENV_C'];
const READ_URLS = ['https://fixtures.example/ktc/a', 'https://fixtures.example/ktc/b', 'https://api.example.com/v1/ktc'];

const readsArb: fc.Arbitrary<FixtureReads> = fc.record({
  env: fc.dictionary(fc.constantFrom(...READ_KEYS), envValueArb, { maxKeys: READ_KEYS.length }),
  fetch: fc.dictionary(fc.constantFrom(...READ_URLS), fc.jsonValue({ maxDepth: 2 }).map((v) => v as JsonValue), { maxKeys: READ_URLS.length }),
});

/** Real-looking workflows (awaits, event conditions) that read env values and fetch answers into claims. */
function readingProgramsArb(trigger: WorkflowTriggerName): fc.Arbitrary<WorkflowProgram[]> {
  return workflowListArb(
    { trigger, allowAwait: true, allowConditions: true, undeclaredBindingRate: 0, fixtureReads: { envKeys: READ_KEYS, urls: READ_URLS } },
    { minLength: 1, maxLength: 2 },
  ).filter((ps) => ps.some((p) => p.fixtureBindings !== undefined));
}

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
    name: 'generated user token workflows read env values and fetch answers into claims, between awaits and conditions',
    requirements: ['WF-FIXTURE-VALUES'],
    needs: ['userTokens', 'workflows', 'workflowFixtures'],
    arbitrary: () =>
      shrinkingFirst({ scenario: userScenarioArb().map(withOpenId), programs: readingProgramsArb('user:tokens_generation'), reads: readsArb }, WORKFLOWS_FIRST),
    async predicate({ scenario, programs, reads }, judge, env) {
      const reqs = { perToken: () => same('WF-FIXTURE-VALUES'), outcome: () => 'WF-FIXTURE-VALUES' };
      await judgeUserRun(env, judge, scenario, programs, reqs, ['refuse'], reads);
    },
  }),
  defineCheck({
    name: 'generated M2M workflows read env values and fetch answers into claims, between awaits and conditions',
    requirements: ['WF-FIXTURE-VALUES'],
    needs: ['m2m', 'workflows', 'workflowFixtures'],
    arbitrary: () => shrinkingFirst({ scenario: m2mScenarioArb(), programs: readingProgramsArb('m2m:token_generation'), reads: readsArb }, WORKFLOWS_FIRST),
    async predicate({ scenario, programs, reads }, judge, env) {
      await judgeM2mRun(env, judge, scenario, programs, same('WF-FIXTURE-VALUES'), true, reads);
    },
  }),
  defineCheck({
    name: 'each of kinde.env, kinde.fetch and kinde.secureFetch is there exactly when the workflow declares it',
    requirements: ['WF-NATIVE-BINDING-GATE'],
    needs: ['m2m', 'workflows', 'workflowFixtures'],
    arbitrary: () => gateInputArb,
    async predicate(input: GateInput, judge, env) {
      const issued = await issueWith(env, judge, input, gateProbe(input.declared), 'WF-NATIVE-BINDING-GATE');
      if (!issued) return;
      const declared = input.declared.length > 0 ? `declaring only ${input.declared.join(', ')} (and url)` : 'declaring none of them (only url)';
      expectClaim(judge, 'WF-NATIVE-BINDING-GATE', issued.token.payload, 'ktc_bindings', gateExpected(input.declared), `${declared}, a workflow must see`);
    },
  }),
];
