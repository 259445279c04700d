/**
 * The richer workflow ops (await, conditions on the event, writes of
 * undefined, delete on the claims proxy) run in the REFERENCE sandbox exactly
 * as the interpreter (generators/workflow-run.ts) says, and the facts the
 * expectations rest on hold: writes after awaits land, there are no timers,
 * the library's proxy has no deleteProperty trap, an undefined write is refused.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../adapters/types.js';
import { jsonClaimValueArb } from '../generators/claims.js';
import {
  conditionHolds,
  expectedRun,
  finalClaims,
  renderWorkflow,
  TRIGGER_BINDINGS,
  workflowProgramArb,
  type EventPath,
  type FixtureReads,
  type WorkflowProgram,
} from '../generators/workflow.js';
import { closeSandbox, compileWorkflow, parseWorkflowFixtures, runWorkflow } from '../reference/workflows/index.js';
import { fixtureSet } from '../suites/lib/judge-workflows.js';
import { expectWorkflows, possibleClaims } from '../suites/lib/expect-workflows.js';

afterAll(() => closeSandbox());

const SEED = 20_261_202;

/** The event fields the interpreter reads, as the reference issuer builds the event (org code null when absent). */
function referenceEvent(v: Record<EventPath, JsonValue | undefined>, m2m: boolean): JsonObject {
  const context: JsonObject = {
    application: { clientId: v['context.application.clientId'] as string },
    workflow: { trigger: v['context.workflow.trigger'] as string },
  };
  if (!m2m) {
    context.auth = { origin: v['context.auth.origin'] as string };
    context.user = { id: v['context.user.id'] as string };
    context.organization = { code: (v['context.organization.code'] ?? null) as JsonValue };
  }
  return { request: { auth: { audience: v['request.auth.audience'] as JsonValue[] } }, context };
}

const userEventArb = fc.record({
  'context.user.id': fc.constantFrom('kp_1', 'kp_2'),
  'context.application.clientId': fc.constant('client_1'),
  'context.organization.code': fc.option(fc.constantFrom('org_abc', 'org_def'), { nil: undefined }),
  'request.auth.audience': fc.subarray(['app:prod-api', 'https://x.example.com/v1', 'https://t.kinde.com/api', 'https://y.acme.test/v2']),
  'context.workflow.trigger': fc.constant('user:tokens_generation'),
  'context.auth.origin': fc.constantFrom('authorization_request', 'refresh_token_request'),
}) as fc.Arbitrary<Record<EventPath, JsonValue | undefined>>;

const m2mEventArb = userEventArb.map((e) => ({
  ...e,
  'context.user.id': undefined,
  'context.organization.code': undefined,
  'context.auth.origin': undefined,
  'context.workflow.trigger': 'm2m:token_generation',
}));

async function runInReference(p: WorkflowProgram, event: Record<EventPath, JsonValue | undefined>, reads: FixtureReads = { env: {}, fetch: {} }) {
  const wf = await compileWorkflow(renderWorkflow(p));
  const tokens = Object.fromEntries(TRIGGER_BINDINGS[p.trigger].map((b) => [b, { existing: 'claim' }]));
  const fixtures = parseWorkflowFixtures(fixtureSet(reads), 'fixtures');
  return runWorkflow(wf, { event: referenceEvent(event, p.trigger === 'm2m:token_generation'), tokens, timeoutMs: 5_000, fixtures });
}

const READ_KEYS = ['KEY_A', 'KEY_B'];
const READ_URLS = ['https://x.example/a', 'https://x.example/b'];
const readsArb: fc.Arbitrary<FixtureReads> = fc.record({
  env: fc.dictionary(fc.constantFrom(...READ_KEYS), fc.string({ maxLength: 8 }), { maxKeys: 2 }),
  fetch: fc.dictionary(fc.constantFrom(...READ_URLS), jsonClaimValueArb({ maxDepth: 2, maxStringLength: 16 }), { maxKeys: 2 }),
});

const RICH = {
  allowAwait: true,
  allowConditions: true,
  allowDelete: true,
  allowUndefined: true,
  allowThrow: true,
  undeclaredBindingRate: 0.2,
  fixtureReads: { envKeys: READ_KEYS, urls: READ_URLS },
};

describe('rich workflow ops in the reference sandbox', () => {
  for (const trigger of ['user:tokens_generation', 'm2m:token_generation'] as const) {
    it(`${trigger}: outcome and every write exactly as expectedRun says`, async () => {
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          workflowProgramArb({ ...RICH, trigger, valueArb: jsonClaimValueArb({ maxDepth: 2, maxStringLength: 16 }) }),
          trigger === 'm2m:token_generation' ? m2mEventArb : userEventArb,
          readsArb,
          async (p, event, reads) => {
            for (const op of p.ops) seen.add(op.kind + ('when' in op && op.when ? `?${op.when.kind}` : ''));
            const expected = expectedRun(p, { offered: TRIGGER_BINDINGS[trigger], event, reads });
            const run = await runInReference(p, event, reads);
            expect(run.ok, `${renderWorkflow(p)}\n${run.ok ? '' : run.error.message}`).toBe(expected.completes);
            if (!run.ok && expected.failure === 'undeclared-binding') expect(run.error.message).toMatch(/binding not available|Cannot read properties of undefined/);
            if (!run.ok && expected.failure === 'threw' && p.ops.every((o) => o.kind !== 'throw')) expect(run.error.message).toMatch(/not JSON-serializable|fetch failed: no fixture answers/);
            expect(run.writes).toEqual(expected.writes);
          },
        ),
        { seed: SEED, numRuns: 60 },
      );
      // The property saw every op kind, and guarded ones.
      for (const k of ['await', 'set', 'setFromEvent', 'deleteClaim', 'setUndefined', 'throw', 'setFromEnv', 'setFromFetch']) expect([...seen].some((s) => s.startsWith(k)), k).toBe(true);
      expect([...seen].some((s) => s.includes('?')), 'some op is guarded').toBe(true);
    });
  }

  it('writes after every kind of await land; the same workflow writes different claims for different events', async () => {
    const p: WorkflowProgram = {
      id: 'awaits',
      trigger: 'user:tokens_generation',
      bindings: ['kinde.accessToken'],
      declareUrlBinding: false,
      ops: [
        { kind: 'await', style: 'chain' },
        { kind: 'set', binding: 'kinde.accessToken', name: 'a', value: 1, style: 'proxy' },
        { kind: 'await', style: 'helper' },
        { kind: 'set', binding: 'kinde.accessToken', name: 'b', value: 2, style: 'lowLevel', when: { kind: 'org', present: true } },
        { kind: 'await', style: 'resolved' },
        { kind: 'set', binding: 'kinde.accessToken', name: 'c', value: 3, style: 'proxy', when: { kind: 'origin', is: 'refresh_token_request' } },
      ],
    };
    const base = fc.sample(userEventArb, { seed: SEED, numRuns: 1 })[0]!;
    const withOrg = { ...base, 'context.organization.code': 'org_abc', 'context.auth.origin': 'authorization_request' };
    const refresh = { ...base, 'context.organization.code': undefined, 'context.auth.origin': 'refresh_token_request' };
    const a = await runInReference(p, withOrg);
    const b = await runInReference(p, refresh);
    expect(a.writes.map((w) => [w.name, w.value])).toEqual([['a', 1], ['b', 2]]);
    expect(b.writes.map((w) => [w.name, w.value])).toEqual([['a', 1], ['c', 3]]);
    expect(conditionHolds({ kind: 'audience', endsWith: '/api', present: true }, { ...base, 'request.auth.audience': ['https://t.kinde.com/api'] })).toBe(true);
  });

  it('has no timers: setTimeout is not defined in the sandbox', async () => {
    const src = `${renderWorkflow({ id: 'timer', trigger: 'user:tokens_generation', bindings: [], declareUrlBinding: false, ops: [] }).replace(
      /\}\n$/,
      '  await new Promise((r) => setTimeout(r, 0));\n}\n',
    )}`;
    const run = await runWorkflow(await compileWorkflow(src), { event: {}, tokens: {} });
    expect(run.ok).toBe(false);
    expect(run.ok ? '' : run.error.message).toMatch(/setTimeout is not defined/);
  });

  it('the library: its claims proxies trap get and set only (delete reaches no binding); set passes undefined on', () => {
    const lib = readFileSync(new URL('../node_modules/@kinde/infrastructure/dist/infrastructure.js', import.meta.url), 'utf8');
    expect(lib).not.toMatch(/deleteProperty/);
    expect(lib).toMatch(/set\(e, n, t\) \{\s*return kinde\.accessToken\.setCustomClaim\(n, t\), Reflect\.set\(e, n, t\);/);
  });

  it('an undefined write is refused by the reference (the run throws); under `omit` the claim is left out', async () => {
    const p: WorkflowProgram = {
      id: 'undef',
      trigger: 'user:tokens_generation',
      bindings: ['kinde.idToken'],
      declareUrlBinding: false,
      ops: [
        { kind: 'set', binding: 'kinde.idToken', name: 'x', value: 'set', style: 'proxy' },
        { kind: 'setUndefined', binding: 'kinde.idToken', name: 'x', style: 'proxy' },
      ],
    };
    const event = fc.sample(userEventArb, { seed: SEED, numRuns: 1 })[0]!;
    const run = await runInReference(p, event);
    expect(run.ok).toBe(false);
    expect(expectedRun(p, { offered: TRIGGER_BINDINGS[p.trigger], event }).failure).toBe('threw');
    const omit = expectedRun(p, { offered: TRIGGER_BINDINGS[p.trigger], event }, 'omit');
    expect(omit.completes).toBe(true);
    expect([...finalClaims(omit.writes, 'kinde.idToken')]).toEqual([]);
  });
});

describe('several workflows for one trigger: no order is assumed', () => {
  const write = (id: string, value: JsonValue): WorkflowProgram => ({
    id,
    trigger: 'user:tokens_generation',
    bindings: ['kinde.accessToken'],
    declareUrlBinding: false,
    ops: [{ kind: 'set', binding: 'kinde.accessToken', name: 'tier', value, style: 'proxy' }],
  });
  const event = fc.sample(userEventArb, { seed: SEED, numRuns: 1 })[0]!;

  it('a claim two workflows write may end with either one’s last value, in both deployment orders', () => {
    for (const programs of [[write('a', 'gold'), write('b', 'silver')], [write('b', 'silver'), write('a', 'gold')]]) {
      const e = expectWorkflows(programs, 'user:tokens_generation', event);
      expect(new Set(possibleClaims(e, 'kinde.accessToken').get('tier'))).toEqual(new Set(['gold', 'silver']));
    }
    const same = expectWorkflows([write('a', 1), write('b', 1)], 'user:tokens_generation', event);
    expect(possibleClaims(same, 'kinde.accessToken').get('tier')).toEqual([1]);
  });

  it('a stop-policy failure refuses the request wherever it stands, and nothing is applied', () => {
    const failing: WorkflowProgram = { ...write('c', 0), ops: [{ kind: 'throw', message: 'x' }] };
    for (const programs of [[failing, write('a', 1)], [write('a', 1), failing]]) {
      const e = expectWorkflows(programs, 'user:tokens_generation', event);
      expect(e.refusal?.cause).toBe('threw');
      expect(e.writes).toEqual([]);
      expect(possibleClaims(e, 'kinde.accessToken').size).toBe(0);
    }
  });
});
