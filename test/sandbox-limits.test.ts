/**
 * The sandbox survives the workflow: allocation bombs end the workflow's
 * sandbox process with ERR_WORKFLOW_MEMORY (never this process), blocking and
 * busy-after-settle code cannot keep a sandbox, and runs of different owners
 * do not wait for each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../adapters/types.js';
import {
  closeSandbox,
  compileWorkflow,
  configureSandbox,
  runWorkflow,
  SANDBOX_HEAP_MB,
  SANDBOX_MEMORY_MB,
  SANDBOX_POOL_DEFAULTS,
  sandboxStats,
} from '../reference/workflows/index.js';
import type { RunResult, WorkflowErrorCode } from '../reference/workflows/index.js';
import { LIBRARY_NAME, loadLibrary } from '../reference/workflows/library.js';
import { callSandbox } from '../reference/workflows/sandbox.js';

const EVENT: JsonObject = { context: { user: { id: 'kp_1' } } };
const TOKENS = { 'kinde.accessToken': { sub: 'kp_1' } };
const MiB = 2 ** 20;

const source = (body: string) => `
import { accessTokenCustomClaims } from "@kinde/infrastructure";
export const workflowSettings = { id: "hostile", trigger: "user:tokens_generation", bindings: { "kinde.accessToken": {} } };
export default async function Workflow(event: any) {
  kinde.accessToken.setCustomClaim("before", true);
${body}
}`;

async function run(body: string, timeoutMs = 1_000, owner?: unknown): Promise<RunResult> {
  const wf = await compileWorkflow(source(body));
  return runWorkflow(wf, { event: EVENT, tokens: TOKENS, timeoutMs, ...(owner !== undefined ? { owner } : {}) });
}

function failure(result: RunResult, code: WorkflowErrorCode): string {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code, result.error.message).toBe(code);
  return result.error.message;
}

const alive = async () => {
  const after = await run('kinde.accessToken.setCustomClaim("alive", true);');
  expect(after).toMatchObject({ ok: true, writes: [{ name: 'before' }, { name: 'alive', value: true }] });
};

beforeAll(() => configureSandbox({ ...SANDBOX_POOL_DEFAULTS, size: 2 }));
afterAll(async () => {
  await configureSandbox(SANDBOX_POOL_DEFAULTS);
  await closeSandbox();
});

describe('allocation bombs end the sandbox process, not this one', () => {
  // Each would take this process far past its own memory if it ran here (≥ 512 MiB each).
  const bombs: [string, string][] = [
    ['a 2^26-element array (V8 ends a whole process here, worker threads included)', 'new Array(2 ** 26).fill(1);'],
    ['strings', 'const keep: string[] = []; for (let i = 0; ; i++) keep.push("x".repeat(1 << 20) + i);'],
    ['a Map', 'const m = new Map(); for (let i = 0; ; i++) m.set(i, { i });'],
    ['recursive promises', 'const keep: number[][] = []; const f = (): Promise<void> => { keep.push(new Array(1000).fill(0)); return Promise.resolve().then(f); }; await f();'],
    ['three 1 GiB Uint8Arrays (outside the heap)', 'const keep: Uint8Array[] = []; for (let i = 0; i < 3; i++) { const a = new Uint8Array(2 ** 30); a.fill(1); keep.push(a); }'],
    ['a 2 GiB ArrayBuffer', 'new Uint8Array(new ArrayBuffer(2 ** 31)).fill(7);'],
    ['typed arrays made by map()', 'const keep: Float64Array[] = []; const base = new Float64Array(2 ** 22); for (;;) keep.push(base.map((x, i) => i));'],
  ];

  it.each(bombs)('%s → ERR_WORKFLOW_MEMORY naming the limit; this process stays small; the next run works', async (_label, body) => {
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
    const started = sandboxStats().started;
    // A time budget no bomb needs: the memory limits must be what ends it.
    const result = await run(body, 20_000);
    clearInterval(sampler);
    const message = failure(result, 'ERR_WORKFLOW_MEMORY');
    // The resident-memory limit, or (for one allocation bigger than it all at once) V8's heap limit.
    expect(message).toMatch(new RegExp(`memory limit \\(${SANDBOX_MEMORY_MB} MiB resident|heap limit \\(${SANDBOX_HEAP_MB} MiB\\)`));
    // Not one of the bombs' allocations landed here.
    expect((peak - before) / MiB).toBeLessThan(256);
    await alive();
    expect(sandboxStats().started).toBeGreaterThan(started); // a fresh process took over
  });
});

describe('blocking and busy sandboxes', () => {
  it('SharedArrayBuffer, Atomics and WebAssembly do not exist in a workflow', async () => {
    const result = await run(`kinde.accessToken.setCustomClaim("types", [typeof SharedArrayBuffer, typeof Atomics, typeof WebAssembly, typeof (globalThis as any).gc]);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);`);
    expect(failure(result, 'ERR_WORKFLOW_THREW')).toMatch(/ReferenceError/);
    expect(result.writes.find((w) => w.name === 'types')?.value).toEqual(['undefined', 'undefined', 'undefined', 'undefined']);
  });

  it('a sandbox process blocked in Atomics.wait outside any vm timeout is killed and replaced; other owners are served meanwhile', async () => {
    // Only trusted code runs outside the vm timeout (the library's evaluation); a broken one stands in for
    // anything that could block a sandbox thread where the timeout does not reach.
    const lib = await loadLibrary();
    const blocking = `}); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); (function () {${lib.code}`;
    const hostile = { mode: 'run' as const, code: 'module.exports.default = async () => {};', codeKey: 'blocking', lib: blocking, libKey: 'blocking', libName: LIBRARY_NAME, timeoutMs: 200, tokensJson: '[]', eventJson: '{}' };
    const blocked = callSandbox(hostile, 'blocked owner').then((r) => ({ r, at: performance.now() }));
    const other = run('kinde.accessToken.setCustomClaim("meanwhile", true);', 1_000, 'other owner').then((r) => ({ r, at: performance.now() }));
    const [b, o] = await Promise.all([blocked, other]);
    expect(o.r).toMatchObject({ ok: true, writes: [{ name: 'before' }, { name: 'meanwhile' }] });
    expect(o.at).toBeLessThan(b.at);
    expect(b.r.status).toBe('timeout');
    expect(b.r.message).toMatch(/did not answer within \d+ ms/);
    await alive();
  });

  it('a workflow that keeps the sandbox busy after its promise settled is stopped at its time limit; late writes do not count', async () => {
    const spin = await run('const spin = (): Promise<void> => Promise.resolve().then(spin); spin(); return;', 300);
    expect(failure(spin, 'ERR_WORKFLOW_TIMEOUT')).toMatch(/300 ms/);
    const late = await run('Promise.resolve().then().then().then().then(() => kinde.accessToken.setCustomClaim("late", 1)); return;');
    expect(late).toMatchObject({ ok: true });
    expect(late.writes.map((w) => w.name)).toEqual(['before']);
    await alive();
  });

  it('this process keeps running while a workflow loops (the run is asynchronous)', async () => {
    const order: string[] = [];
    const looping = run('for (;;) {}', 500).then(() => order.push('workflow'));
    await new Promise((resolve) => setImmediate(resolve));
    order.push('event loop');
    await looping;
    expect(order).toEqual(['event loop', 'workflow']);
  });
});

describe('runs of different owners cannot stall each other', () => {
  it('ten looping workflows of one owner do not delay another owner, who is served while they queue', async () => {
    const quiet = await compileWorkflow(source('kinde.accessToken.setCustomClaim("served", true);'));
    const looping = await compileWorkflow(source('for (;;) {}'));
    // Two warm sandbox processes.
    await Promise.all([runWorkflow(quiet, { event: EVENT, tokens: TOKENS, owner: 'a' }), runWorkflow(quiet, { event: EVENT, tokens: TOKENS, owner: 'b' })]);
    const hostile = Array.from({ length: 10 }, () =>
      runWorkflow(looping, { event: EVENT, tokens: TOKENS, timeoutMs: 500, owner: 'looping owner' }).then(() => performance.now()),
    );
    const other = await runWorkflow(quiet, { event: EVENT, tokens: TOKENS, owner: 'quiet owner' });
    const servedAt = performance.now();
    expect(other).toMatchObject({ ok: true });
    const ends = await Promise.all(hostile);
    // One owner runs one workflow at a time: at most the first of its loops can end before the other owner is served.
    expect(ends.filter((t) => t < servedAt).length).toBeLessThanOrEqual(1);
  });

  it('an owner with too many waiting runs is told ERR_WORKFLOW_BUSY at once', async () => {
    await configureSandbox({ ...SANDBOX_POOL_DEFAULTS, size: 2, queuePerOwner: 2 });
    try {
      const wf = await compileWorkflow(source('for (;;) {}'));
      const runs = Array.from({ length: 4 }, () => runWorkflow(wf, { event: EVENT, tokens: TOKENS, timeoutMs: 200, owner: 'greedy' }));
      const results = await Promise.all(runs);
      const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
      // one running, two waiting, the fourth refused
      expect(codes.filter((c) => c === 'ERR_WORKFLOW_TIMEOUT')).toHaveLength(3);
      expect(codes.filter((c) => c === 'ERR_WORKFLOW_BUSY')).toHaveLength(1);
    } finally {
      await configureSandbox({ ...SANDBOX_POOL_DEFAULTS, size: 2 });
    }
  });
});
