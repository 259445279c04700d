import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../adapters/types.js';
import { closeSandbox, compileWorkflow, runWorkflow, SANDBOX_LIMITS, WorkflowError } from '../reference/workflows/index.js';
import type { RunInput, RunResult, WorkflowErrorCode } from '../reference/workflows/index.js';

const EVENT: JsonObject = { context: { user: { id: 'kp_1' }, workflow: { trigger: 'user:tokens_generation' } } };
const TOKENS: RunInput['tokens'] = { 'kinde.accessToken': { sub: 'kp_1' }, 'kinde.idToken': { sub: 'kp_1' } };
const PWN_FILE = join(tmpdir(), `kinde-wf-pwned-${process.pid}`);

const workflow = (body: string, prelude = '') => `
import { accessTokenCustomClaims } from "@kinde/infrastructure";
export const workflowSettings = { id: "hostile", trigger: "user:tokens_generation", bindings: { "kinde.accessToken": {}, "kinde.idToken": {} } };
${prelude}
export default async function Workflow(event: any) {
${body}
}`;

async function run(body: string, options: { prelude?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const wf = await compileWorkflow(workflow(body, options.prelude));
  const input: RunInput = { event: EVENT, tokens: TOKENS };
  if (options.timeoutMs !== undefined) input.timeoutMs = options.timeoutMs;
  return runWorkflow(wf, input);
}

function expectError(result: RunResult, code: WorkflowErrorCode): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code).toBe(code);
  return result.error.message;
}

beforeAll(() => {
  delete process.env.PWNED;
  rmSync(PWN_FILE, { force: true });
});
afterAll(async () => {
  rmSync(PWN_FILE, { force: true });
  await closeSandbox();
});

/**
 * Each probe tries to obtain the host's `process`. The workflow reports, per
 * probe, what it got; if it ever gets something process-like it also tries to
 * do damage the host can see (env var, file).
 */
const PROBES: Record<string, string> = {
  require: `(globalThis as any)["req" + "uire"]("fs")`,
  freeProcess: `eval("pro" + "cess")`,
  globalProcess: `(globalThis as any).process`,
  globalThisConstructor: `(globalThis as any).constructor.constructor("return process")()`,
  thisConstructor: `(function (this: any) { return this.constructor.constructor("return process")(); }).call(globalThis)`,
  strictThis: `(function (this: any) { return this; })()`,
  setCustomClaimConstructor: `(kinde as any).accessToken.setCustomClaim.constructor.constructor("return process")()`,
  getCustomClaimsResult: `(kinde as any).accessToken.getCustomClaims().constructor.constructor("return process")()`,
  kindePrototype: `Object.getPrototypeOf(kinde).constructor.constructor("return process")()`,
  consoleLog: `console.log.constructor.constructor("return process")()`,
  eventConstructor: `event.constructor.constructor("return process")()`,
  evalString: `eval("process")`,
  indirectEval: `(0, eval)("process")`,
  functionCtor: `Function("return process")()`,
  asyncFunctionCtor: `(async function () {}).constructor("return process")()`,
  generatorFunctionCtor: `(function* () {}).constructor("return process")()`,
  calleeCaller: `(function () { return (arguments as any).callee.caller; })()`,
  stackFrames: `(() => {
    const E = Error as any;
    E.prepareStackTrace = (_e: unknown, frames: any[]) => frames;
    const frames = (new Error("probe") as any).stack;
    E.prepareStackTrace = undefined;
    for (const f of frames) {
      for (const fn of [f.getFunction(), f.getThis()]) {
        if (fn) { try { const p = fn.constructor.constructor("return process")(); if (p) return p; } catch {} }
      }
    }
    return undefined;
  })()`,
  prototypeChainOfGlobal: `(() => {
    for (let o: any = globalThis; o; o = Object.getPrototypeOf(o)) {
      try { const p = o.constructor.constructor("return process")(); if (p) return p; } catch {}
    }
    return undefined;
  })()`,
  sandboxErrorConstructor: `(() => { try { (kinde as any).accessToken.setCustomClaim("x", "y".repeat(${SANDBOX_LIMITS.maxClaimChars + 10})); } catch (e: any) { return e.constructor.constructor("return process")(); } })()`,
  wasm: `(globalThis as any).WebAssembly`,
  finalizationRegistry: `(globalThis as any).FinalizationRegistry`,
};

const probeBody = (expr: string) => `
  let got: any;
  let outcome: string;
  try { got = ${expr}; outcome = "value:" + typeof got; } catch (e: any) { outcome = "threw:" + (e && e.name); }
  if (got && typeof got === "object" && (got.pid !== undefined || got.env !== undefined || got.readFileSync !== undefined)) {
    outcome = "ESCAPED";
    try { got.env.PWNED = "1"; } catch {}
    try { got.mainModule.require("fs").writeFileSync(${JSON.stringify(PWN_FILE)}, "pwned"); } catch {}
    try { got.writeFileSync(${JSON.stringify(PWN_FILE)}, "pwned"); } catch {}
    try { got.getBuiltinModule("fs").writeFileSync(${JSON.stringify(PWN_FILE)}, "pwned"); } catch {}
  }
  kinde.accessToken.setCustomClaim("outcome", outcome);`;

describe('no host object is reachable', () => {
  it('the probe detects an escape in a naive vm sandbox (so its "not escaped" verdicts mean something)', () => {
    const naive = vm.createContext({});
    const outcome: unknown = vm.runInContext(
      `(() => { try { const p = this.constructor.constructor("return process")(); return p && p.pid !== undefined ? "ESCAPED" : "no"; } catch { return "threw"; } })()`,
      naive,
    );
    expect(outcome).toBe('ESCAPED');
  });

  it.each(Object.entries(PROBES))('%s does not reach the host', async (_name, expr) => {
    const result = await run(probeBody(expr));
    expect(result.ok).toBe(true);
    const outcome = result.writes.find((w) => w.name === 'outcome')?.value;
    expect(typeof outcome).toBe('string');
    expect(outcome).toMatch(/^(threw:|value:undefined$|value:boolean$)/);
    expect(process.env.PWNED).toBeUndefined();
    expect(existsSync(PWN_FILE)).toBe(false);
  });

  it('import() is refused at build time, literal or computed', async () => {
    for (const body of ['await import("fs");', 'const m = "f" + "s"; await import(m);', 'await import(/* hidden */ "node:child_process");']) {
      const error = await compileWorkflow(workflow(body)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowError);
      expect((error as WorkflowError).code).toBe('ERR_WORKFLOW_BUILD');
    }
  });

  it('host globals are untouched by a workflow that assigns globals', async () => {
    const before = Object.getOwnPropertyNames(globalThis).length;
    const result = await run(`(globalThis as any).PWNED_GLOBAL = 1; (globalThis as any).process = { env: {} };
  (Object.prototype as any).pollutedFromSandbox = 1; (Array.prototype as any).pollutedFromSandbox = 1;
  kinde.accessToken.setCustomClaim("ok", (globalThis as any).PWNED_GLOBAL);`);
    expect(result.ok).toBe(true);
    expect((globalThis as Record<string, unknown>).PWNED_GLOBAL).toBeUndefined();
    expect(({} as Record<string, unknown>).pollutedFromSandbox).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).pollutedFromSandbox).toBeUndefined();
    expect(typeof process.pid).toBe('number');
    expect(Object.getOwnPropertyNames(globalThis).length).toBe(before);
    // The next run starts from a fresh context: the pollution is gone there too.
    const next = await run(`kinde.accessToken.setCustomClaim("seen", [typeof (globalThis as any).PWNED_GLOBAL, typeof ({} as any).pollutedFromSandbox]);`);
    expect(next.writes).toEqual([{ binding: 'kinde.accessToken', name: 'seen', value: ['undefined', 'undefined'] }]);
  });

  it('claim values arrive as plain host data, never as sandbox objects', async () => {
    const result = await run(`
  const hostile: any = { nested: { arr: [1, { deep: true }] } };
  Object.defineProperty(hostile, "computed", { enumerable: true, get() { return "from getter"; } });
  kinde.accessToken.setCustomClaim("obj", hostile);
  kinde.accessToken.setCustomClaim("viaToJSON", { toJSON() { return ["replaced"]; } });
  kinde.accessToken.setCustomClaim("proxy", new Proxy({}, { ownKeys: () => ["a"], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }), get: () => 1 }));`);
    expect(result.ok).toBe(true);
    expect(result.writes.map((w) => w.value)).toEqual([
      { nested: { arr: [1, { deep: true }] }, computed: 'from getter' },
      ['replaced'],
      { a: 1 },
    ]);
    const obj = result.writes[0]?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.writes[1]?.value)).toBe(Array.prototype);
    expect(Object.getOwnPropertyDescriptor(obj, 'computed')).toMatchObject({ value: 'from getter', writable: true });
  });
});

describe('hostile claim names', () => {
  const names = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

  it('are recorded as plain writes and never assigned onto host objects', async () => {
    const result = await run(`
  const names = ${JSON.stringify(names)};
  for (const n of names) kinde.accessToken.setCustomClaim(n, { polluted: n });
  const viaLibrary = accessTokenCustomClaims<any>();
  viaLibrary["__proto__"] = { polluted: "proxy" };
  viaLibrary.constructor = "proxy ctor";`);
    expect(result.ok).toBe(true);
    expect(result.writes.map((w) => w.name)).toEqual([...names, '__proto__', 'constructor']);
    expect(result.writes.at(-2)?.value).toEqual({ polluted: 'proxy' });
    expect(result.writes.at(-1)?.value).toBe('proxy ctor');
    for (const w of result.writes) {
      expect(Object.keys(w).sort()).toEqual(['binding', 'name', 'value']);
      expect(Object.getPrototypeOf(w)).toBe(Object.prototype);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof Object.prototype.toString).toBe('function');
    expect(Object.prototype.hasOwnProperty.call({ a: 1 }, 'a')).toBe(true);
  });

  it('a value whose JSON has a "__proto__" key becomes an own data property on the host', async () => {
    const result = await run(`kinde.accessToken.setCustomClaim("x", JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'));`);
    const value = result.writes[0]?.value as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('time limits', () => {
  const cases: [string, string, string][] = [
    ['in the default function', 'while (true) {}', ''],
    ['after await Promise.resolve()', 'await Promise.resolve(); while (true) {}', ''],
    ['in a promise continuation chain', 'await new Promise((r) => r(1)).then(() => { for (;;) {} });', ''],
    ['in a getter of a claim value', 'kinde.accessToken.setCustomClaim("x", { get y() { while (true) {} return 1; } });', ''],
    ['in toJSON of a claim value', 'kinde.accessToken.setCustomClaim("x", { toJSON() { for (;;) {} } });', ''],
    ['in the message getter of a thrown error', 'throw { get message(): string { for (;;) {} } };', ''],
    ['at module top level (run-time branch)', '', 'if ((globalThis as any).kinde.accessToken) { while (true) {} }'],
    ['in Atomics-free busy recursion', 'const spin = (): any => Promise.resolve().then(spin); await spin();', ''],
  ];

  it.each(cases)('an infinite loop %s → ERR_WORKFLOW_TIMEOUT quickly', async (_label, body, prelude) => {
    const wf = await compileWorkflow(workflow(`kinde.accessToken.setCustomClaim("before", 1);\n${body}`, prelude));
    const started = performance.now();
    const result = await runWorkflow(wf, { event: EVENT, tokens: TOKENS, timeoutMs: 200 });
    const elapsed = performance.now() - started;
    // Ended by its own 200 ms limit (the message names it); no upper bound the machine's speed decides.
    expect(expectError(result, 'ERR_WORKFLOW_TIMEOUT')).toContain('200 ms');
    expect(elapsed).toBeGreaterThanOrEqual(190);
  });

  it('with the default timeout the whole run ends (no hang), and the sandbox is usable afterwards', async () => {
    const result = await run('while (true) {}');
    expect(expectError(result, 'ERR_WORKFLOW_TIMEOUT')).toContain('1000 ms');
    expect(result.durationMs).toBeGreaterThanOrEqual(990);
    const after = await run('kinde.accessToken.setCustomClaim("alive", true);');
    expect(after).toMatchObject({ ok: true, writes: [{ name: 'alive', value: true }] });
  });

  it('an unconditional top-level loop fails the compile with ERR_WORKFLOW_TIMEOUT', async () => {
    const error = await compileWorkflow(workflow('', 'while (true) {}')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError).code).toBe('ERR_WORKFLOW_TIMEOUT');
  });
});

describe('memory', () => {
  it('a single claim value over the limit throws a sandbox RangeError', async () => {
    const result = await run(`
  const big = "x".repeat(${SANDBOX_LIMITS.maxClaimChars});
  try { kinde.accessToken.setCustomClaim("big", big); } catch (e) { kinde.accessToken.setCustomClaim("caught", [e instanceof RangeError, String((e as Error).message).includes("exceeds")]); }
  kinde.accessToken.setCustomClaim("fits", "x".repeat(${SANDBOX_LIMITS.maxClaimChars - 2}));
  kinde.accessToken.setCustomClaim("big", big);`);
    expect(expectError(result, 'ERR_WORKFLOW_THREW')).toMatch(/^RangeError: .*exceeds/);
    expect(result.writes.map((w) => w.name)).toEqual(['caught', 'fits']);
    expect(result.writes[0]?.value).toEqual([true, true]);
  });

  it('the total size of writes per run is bounded', async () => {
    const result = await run(`
  const chunk = "y".repeat(${SANDBOX_LIMITS.maxClaimChars - 2});
  for (let i = 0; i < 20; i++) kinde.accessToken.setCustomClaim("c" + i, chunk);`);
    expect(expectError(result, 'ERR_WORKFLOW_THREW')).toMatch(/^RangeError: .*in total/);
    // each write counts its name ("c0"…) plus its JSON (the chunk and two quotes)
    expect(result.writes.length).toBe(Math.floor(SANDBOX_LIMITS.maxWriteChars / (SANDBOX_LIMITS.maxClaimChars + 2)));
  });

  it('a huge string fails inside the sandbox, not in the host', async () => {
    const result = await run('let s = "x"; for (;;) s += s;');
    expect(expectError(result, 'ERR_WORKFLOW_THREW')).toMatch(/RangeError/);
  });

  it('exhausting the heap ends only the sandbox process; the host lives and the next run works', async () => {
    const result = await run('const keep: number[][] = []; for (;;) keep.push(new Array(1e6).fill(1));', { timeoutMs: 10_000 });
    expect(expectError(result, 'ERR_WORKFLOW_MEMORY')).toMatch(/(memory|heap) limit \(\d+ MiB/);
    expect(typeof process.memoryUsage().heapUsed).toBe('number');
    const after = await run('kinde.accessToken.setCustomClaim("alive", true);');
    expect(after).toMatchObject({ ok: true, writes: [{ name: 'alive', value: true }] });
  });
});
