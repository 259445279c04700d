// Generated workflows: rendering, the program arbitrary, and the expected run.
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../adapters/types.js';
import {
  EVENT_PATHS,
  expectedRun,
  finalClaims,
  renderJsonValue,
  renderWorkflow,
  TOKEN_BINDINGS,
  TRIGGER_BINDINGS,
  workflowProgramArb,
} from '../generators/workflow.js';
import type { EventPath, ExpectedRun, RunContext, TokenBinding, WorkflowProgram } from '../generators/workflow.js';
import { SEED, sameJson, runBundled, eventArb } from './lib/generators-helpers.js';

// ---------------------------------------------------------------------------
// workflows
// ---------------------------------------------------------------------------

const set = (binding: TokenBinding, name: string, value: JsonValue, style: 'proxy' | 'lowLevel' = 'proxy') =>
  ({ kind: 'set', binding, name, value, style }) as const;
const program = (p: Partial<WorkflowProgram> & Pick<WorkflowProgram, 'ops'>): WorkflowProgram => ({
  id: 'handWritten',
  trigger: 'user:tokens_generation',
  bindings: ['kinde.accessToken', 'kinde.idToken'],
  declareUrlBinding: true,
  ...p,
});
const noEvent = Object.fromEntries(EVENT_PATHS.map((p) => [p, undefined])) as Record<EventPath, undefined>;
const userCtx: RunContext = { offered: TRIGGER_BINDINGS['user:tokens_generation'], event: noEvent };

describe('renderWorkflow', () => {
  it('compiles for random programs', async () => {
    await fc.assert(
      fc.asyncProperty(
        workflowProgramArb({ allowThrow: true, allowHang: true, undeclaredBindingRate: 0.3 }),
        async (p) => {
          const src = renderWorkflow(p);
          const out = await esbuild.transform(src, { loader: 'ts' });
          expect(out.code).toContain('export default async function Workflow');
          expect(src).toContain(p.trigger === 'user:tokens_generation' ? 'WorkflowTrigger.UserTokenGeneration' : 'WorkflowTrigger.M2MTokenGeneration');
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('bundles with @kinde/infrastructure and runs as expectedRun says', async () => {
    await fc.assert(
      fc.asyncProperty(
        workflowProgramArb({ allowThrow: true, undeclaredBindingRate: 0.3 }),
        fc.subarray([...TOKEN_BINDINGS]),
        fc.boolean(),
        eventArb,
        async (p, randomOffer, useTriggerOffer, event) => {
          const ctx: RunContext = { offered: useTriggerOffer ? TRIGGER_BINDINGS[p.trigger] : randomOffer, event };
          const expected = expectedRun(p, ctx);
          const observed = await runBundled(p, ctx);
          expect(observed.outcome).toBe(expected.completes ? 'completed' : expected.failure);
          expect(observed.writes.length).toBe(expected.writes.length);
          expect(sameJson(observed.writes, expected.writes)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('renders hostile-key objects so the workflow sets an own __proto__ key', async () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"constructor":[1,-0]}') as JsonValue;
    const rendered = renderJsonValue(value);
    const direct = new Function(`return ${rendered};`)() as object;
    expect(Object.hasOwn(direct, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(direct)).toBe(Object.prototype);
    expect(Object.is(new Function(`return ${renderJsonValue(-0)};`)(), -0)).toBe(true);
    expect(new Function(`return ${renderJsonValue(5e-324)};`)()).toBe(5e-324);
    expect(new Function(`return ${renderJsonValue('\u0000\u2028\u{1F600}')};`)()).toBe('\u0000\u2028\u{1F600}');

    for (const style of ['proxy', 'lowLevel'] as const) {
      const p = program({ ops: [set('kinde.accessToken', '__proto__', value, style)] });
      const run = await runBundled(p, userCtx);
      expect(run.outcome).toBe('completed');
      expect(run.writes.map((w) => w.name)).toEqual(['__proto__']);
      const raw = run.raw[0] as object;
      expect(Object.hasOwn(raw, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('declares only the bindings it is told to, and the url binding on request', () => {
    const src = renderWorkflow(program({ bindings: ['kinde.idToken'], declareUrlBinding: false, failurePolicy: 'continue', ops: [] }));
    expect(src).toContain('"kinde.idToken": {}');
    expect(src).not.toContain('"kinde.accessToken"');
    expect(src).not.toContain('url: {}');
    expect(src).toContain('action: "continue"');
    const m2m = renderWorkflow(
      program({ trigger: 'm2m:token_generation', bindings: ['kinde.m2mToken'], ops: [set('kinde.m2mToken', 'x', 1)] }),
    );
    expect(m2m).toContain('onM2MTokenGeneratedEvent');
    expect(m2m).toContain('m2mTokenClaims<Record<string, any>>()');
    expect(m2m).not.toContain('failurePolicy');
  });
});

describe('workflowProgramArb', () => {
  it('respects tokenTypes, trigger and the undeclared-binding rate', () => {
    for (const p of fc.sample(workflowProgramArb({ tokenTypes: ['id'] }), { seed: SEED, numRuns: 100 })) {
      expect(p.trigger).toBe('user:tokens_generation');
      for (const op of p.ops) if ('binding' in op) expect(op.binding).toBe('kinde.idToken');
      expect(expectedRun(p, userCtx).completes).toBe(true);
    }
    const always = fc.sample(workflowProgramArb({ trigger: 'm2m:token_generation', undeclaredBindingRate: 1 }), { seed: SEED, numRuns: 100 });
    const allOffered: RunContext = { offered: TOKEN_BINDINGS, event: noEvent };
    for (const p of always) {
      expect(p.trigger).toBe('m2m:token_generation');
      const writes = p.ops.some((op) => 'binding' in op);
      expect(expectedRun(p, allOffered).failure).toBe(writes ? 'undeclared-binding' : undefined);
    }
    const some = fc.sample(workflowProgramArb({ undeclaredBindingRate: 0.5, allowThrow: true, allowHang: true }), { seed: SEED, numRuns: 200 });
    const failures = new Set(some.map((p) => expectedRun(p, allOffered).failure));
    expect(failures).toEqual(new Set([undefined, 'undeclared-binding', 'threw', 'timeout']));
  });

  it('shrinks to a single op, minimal bindings, printed as source', () => {
    const out = fc.check(
      fc.property(workflowProgramArb({ trigger: 'user:tokens_generation' }), (p) => !p.ops.some((op) => op.kind === 'set' && op.name === 'sub')),
      { seed: SEED, numRuns: 300 },
    );
    expect(out.failed).toBe(true);
    const [p] = out.counterexample as [WorkflowProgram];
    expect(p.ops).toHaveLength(1);
    expect(p.ops[0]).toMatchObject({ kind: 'set', name: 'sub', style: 'proxy' });
    // the simplest value of whichever branch it came from
    expect([null, false, 0, '']).toContain((p.ops[0] as { value: JsonValue }).value);
    expect(p.bindings).toHaveLength(1);
    expect(p.declareUrlBinding).toBe(false);
    expect(p.failurePolicy).toBeUndefined();
    const printed = fc.stringify(p);
    expect(printed).toContain('export default async function Workflow');
    expect(printed).toMatch(/(accessToken|idToken)\["sub"\] = /);
  });
});

describe('expectedRun', () => {
  it('fails at the first op on an undeclared binding, keeping earlier writes', () => {
    const p = program({
      bindings: ['kinde.idToken'],
      ops: [set('kinde.idToken', 'a', 1), set('kinde.accessToken', 'b', 2, 'lowLevel'), set('kinde.idToken', 'c', 3)],
    });
    const run = expectedRun(p, userCtx);
    expect(run).toEqual<ExpectedRun>({
      completes: false,
      failure: 'undeclared-binding',
      writes: [{ binding: 'kinde.idToken', name: 'a', value: 1 }],
    });
  });

  it('treats a declared binding the trigger does not offer as undeclared', () => {
    const p = program({ bindings: ['kinde.m2mToken'], ops: [set('kinde.m2mToken', 'x', 'y')] });
    expect(expectedRun(p, userCtx).failure).toBe('undeclared-binding');
    expect(expectedRun(p, { offered: ['kinde.m2mToken'], event: noEvent }).completes).toBe(true);
  });

  it('reports a throw after a write', () => {
    const p = program({ ops: [set('kinde.accessToken', 'x', 'before'), { kind: 'throw', message: 'boom' }, set('kinde.accessToken', 'y', 1)] });
    expect(expectedRun(p, userCtx)).toEqual<ExpectedRun>({
      completes: false,
      failure: 'threw',
      writes: [{ binding: 'kinde.accessToken', name: 'x', value: 'before' }],
    });
    expect(expectedRun(program({ ops: [{ kind: 'loopForever' }] }), userCtx).failure).toBe('timeout');
  });

  it('reads env values and fetch answers from the fixtures; a missing variable is null, an unanswered request fails', () => {
    const reads = { env: { KEY_A: ' spaced ' }, fetch: { 'https://x.example/a': { n: -0, list: [1] } } };
    const fromEnv = (name: string, key: string) => ({ kind: 'setFromEnv', binding: 'kinde.accessToken', name, key, style: 'proxy' }) as const;
    const fromFetch = (name: string, url: string) => ({ kind: 'setFromFetch', binding: 'kinde.idToken', name, url, style: 'lowLevel' }) as const;
    const reading = (ops: WorkflowProgram['ops'], fixtureBindings: WorkflowProgram['fixtureBindings'] = ['kinde.env', 'kinde.fetch']) =>
      program({ ops, fixtureBindings });
    const ok = expectedRun(reading([fromEnv('a', 'KEY_A'), fromEnv('b', 'KEY_B'), fromFetch('c', 'https://x.example/a')]), { ...userCtx, reads });
    expect(ok.completes).toBe(true);
    expect(ok.writes.map((w) => [w.binding, w.name, w.value])).toEqual([
      ['kinde.accessToken', 'a', ' spaced '],
      ['kinde.accessToken', 'b', null],
      ['kinde.idToken', 'c', { n: 0, list: [1] }],
    ]);
    const unanswered = expectedRun(reading([fromEnv('a', 'KEY_A'), fromFetch('c', 'https://x.example/other')]), { ...userCtx, reads });
    expect(unanswered).toEqual({ completes: false, failure: 'threw', writes: [{ binding: 'kinde.accessToken', name: 'a', value: ' spaced ' }] });
    // Not declared: the library's helper throws.
    expect(expectedRun(reading([fromFetch('c', 'https://x.example/a')], ['kinde.env']), { ...userCtx, reads }).failure).toBe('threw');
    // The token binding is reached first.
    expect(expectedRun(reading([fromFetch('c', 'https://x.example/a')]), { offered: ['kinde.accessToken'], event: noEvent, reads }).failure).toBe('undeclared-binding');
    expect(() => expectedRun(reading([fromEnv('a', 'KEY_A')]), userCtx)).toThrow(/needs the fixture reads/);
  });

  it('renders fixture reads with the library helpers and declares their bindings', () => {
    const src = renderWorkflow(
      program({
        fixtureBindings: ['kinde.env', 'kinde.fetch'],
        ops: [
          { kind: 'setFromEnv', binding: 'kinde.accessToken', name: 'a', key: 'KEY_A', style: 'proxy' },
          { kind: 'setFromFetch', binding: 'kinde.idToken', name: 'b', url: 'https://x.example/a', style: 'lowLevel' },
        ],
      }),
    );
    expect(src).toMatch(/import \{[^}]*getEnvironmentVariable, fetch \} from "@kinde\/infrastructure"/);
    expect(src).toContain('"kinde.env": {},');
    expect(src).toContain('"kinde.fetch": {},');
    expect(src).toContain('accessToken["a"] = getEnvironmentVariable("KEY_A")?.value ?? null;');
    expect(src).toContain('kinde.idToken.setCustomClaim("b", (await fetch("https://x.example/a", { method: "GET", responseFormat: "json" })).data ?? null);');
  });

  it('keeps writes in order (last write wins via finalClaims), round-trips values and reads the event', () => {
    const p = program({
      ops: [
        set('kinde.accessToken', 'x', 1),
        set('kinde.idToken', 'x', 'id'),
        set('kinde.accessToken', 'x', -0, 'lowLevel'),
        { kind: 'setFromEvent', binding: 'kinde.accessToken', name: 'user', path: 'context.user.id', style: 'proxy' },
        { kind: 'setFromEvent', binding: 'kinde.accessToken', name: 'org', path: 'context.organization.code', style: 'lowLevel' },
      ],
    });
    const run = expectedRun(p, { ...userCtx, event: { ...noEvent, 'context.user.id': 'kp_abc' } });
    expect(run.completes).toBe(true);
    expect(run.writes.map((w) => [w.name, w.value])).toEqual([['x', 1], ['x', 'id'], ['x', 0], ['user', 'kp_abc'], ['org', null]]);
    expect(Object.is(run.writes[2]!.value, 0)).toBe(true);
    const access = finalClaims(run.writes, 'kinde.accessToken');
    expect([...access]).toEqual([['x', 0], ['user', 'kp_abc'], ['org', null]]);
    expect([...finalClaims(run.writes, 'kinde.idToken')]).toEqual([['x', 'id']]);
  });
});
