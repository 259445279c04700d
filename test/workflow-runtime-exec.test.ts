// The reference workflow runtime: claim writes, execution limits, the compile cache.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../adapters/types.js';
import { closeSandbox, compileWorkflow, runWorkflow } from '../reference/workflows/index.js';
import type { CompiledWorkflow } from '../reference/workflows/index.js';
import { USER_EVENT, USER_TOKENS, userWorkflow, expectFailure } from './lib/workflow-runtime-fixtures.js';

afterAll(() => closeSandbox());

describe('writes', () => {
  let echo: CompiledWorkflow;
  const getEcho = async () =>
    (echo ??= await compileWorkflow(
      userWorkflow(`for (const [name, value] of (event as any).items) kinde.accessToken.setCustomClaim(name, value);`),
    ));

  it('property: writes keep call order and JSON-round-trip every value (unicode, nested, numbers)', async () => {
    const wf = await getEcho();
    const name = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('__proto__', 'constructor', 'sub', 'exp'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, fc.jsonValue()), { maxLength: 12 }), async (items) => {
        const result = await runWorkflow(wf, { event: { items: items as JsonValue }, tokens: USER_TOKENS });
        expect(result.ok).toBe(true);
        expect(result.writes).toEqual(
          items.map(([n, v]) => ({ binding: 'kinde.accessToken', name: n, value: JSON.parse(JSON.stringify(v)) as JsonValue })),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('fixed awkward values survive exactly', async () => {
    const wf = await getEcho();
    const values: JsonValue[] = [
      'Ünïcødé 💥 \u2028\u2029 \ud800 "quotes" \\ back',
      { deep: { deeper: [1, [2, [3, { x: null }]]] } },
      [Number.MAX_SAFE_INTEGER, -1.5e-300, 1e308, 0.1 + 0.2],
      { '': 'empty key', '__proto__': { polluted: true } },
    ];
    const items = values.map((v, i) => [`c${i}`, v]);
    const result = await runWorkflow(wf, { event: { items }, tokens: USER_TOKENS });
    expect(result.writes.map((w) => w.value)).toEqual(values.map((v) => JSON.parse(JSON.stringify(v)) as JsonValue));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('writes made before a failure are kept, in order', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`kinde.accessToken.setCustomClaim("a", 1);
  await Promise.resolve();
  kinde.accessToken.setCustomClaim("b", 2);
  throw new TypeError("after two writes");`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(expectFailure(result, 'ERR_WORKFLOW_THREW')).toBe('TypeError: after two writes');
    expect(result.writes.map((w) => w.name)).toEqual(['a', 'b']);
  });

  it.each([
    ['BigInt', '10n'],
    ['a cycle', '(() => { const o: any = {}; o.self = o; return o; })()'],
    ['undefined', 'undefined'],
    ['a function', '() => 1'],
  ])('a value that is not JSON (%s) throws a sandbox TypeError', async (_label, expr) => {
    const wf = await compileWorkflow(
      userWorkflow(`try { kinde.accessToken.setCustomClaim("v", ${expr}); } catch (e) {
    kinde.accessToken.setCustomClaim("caught", [e instanceof TypeError, Object.getPrototypeOf(e) === TypeError.prototype]);
  }
  kinde.accessToken.setCustomClaim("v", ${expr});`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(expectFailure(result, 'ERR_WORKFLOW_THREW')).toMatch(/^TypeError: /);
    expect(result.writes).toEqual([{ binding: 'kinde.accessToken', name: 'caught', value: [true, true] }]);
  });
});

describe('execution', () => {
  it('a sync default export and long chains of sandbox awaits complete synchronously', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`let n = 0;
  for (let i = 0; i < 2000; i++) n = await Promise.resolve(n + 1);
  await new Promise((r) => r(undefined));
  kinde.accessToken.setCustomClaim("n", n);`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result).toMatchObject({ ok: true, writes: [{ name: 'n', value: 2000 }] });

    const sync = await compileWorkflow(`export const workflowSettings = { id: "s", trigger: "t", bindings: { "kinde.idToken": {} } };
export default function (event: any) { kinde.idToken.setCustomClaim("origin", event.context.auth.origin); }`);
    expect(await runWorkflow(sync, { event: USER_EVENT, tokens: USER_TOKENS })).toMatchObject({
      ok: true,
      writes: [{ binding: 'kinde.idToken', name: 'origin', value: 'authorization_request' }],
    });
  });

  it('a promise that never settles → ERR_WORKFLOW_UNSETTLED', async () => {
    const wf = await compileWorkflow(userWorkflow(`kinde.accessToken.setCustomClaim("before", true);\n  await new Promise(() => {});`));
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expectFailure(result, 'ERR_WORKFLOW_UNSETTLED');
    expect(result.writes.map((w) => w.name)).toEqual(['before']);
  });

  it('rejections with non-Error values are described', async () => {
    const wf = await compileWorkflow(userWorkflow(`throw "plain string";`));
    expect(expectFailure(await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS }), 'ERR_WORKFLOW_THREW')).toBe('plain string');
  });

  it('console output is captured per level and bounded', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`console.log("a", 1, { b: [2] }); console.warn("w"); console.error(new Error("e").message);
  for (let i = 0; i < 1000; i++) console.info("line " + i);`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.ok).toBe(true);
    expect(result.logs.slice(0, 4)).toEqual(['log: a 1 {"b":[2]}', 'warn: w', 'error: e', 'info: line 0']);
    expect(result.logs.length).toBeLessThanOrEqual(201);
    expect(result.logs.at(-1)).toBe('warn: [further log output dropped]');
  });

  it('an unhandled rejection inside the workflow does not reach the host', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`Promise.reject(new Error("nobody listens"));
  (async () => { throw new Error("floating"); })();
  kinde.accessToken.setCustomClaim("done", true);`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result).toMatchObject({ ok: true, writes: [{ name: 'done', value: true }] });
    // vitest fails the file on any host-side unhandled rejection; give it a chance to surface.
    await new Promise((r) => setTimeout(r, 50));
  });
});

describe('compile cache', () => {
  it('same source → same object, fast the second time; different source → different object', async () => {
    const source = userWorkflow(`kinde.accessToken.setCustomClaim("cache", ${Date.now()});`);
    const first = await compileWorkflow(source);
    const second = await compileWorkflow(source);
    // The same object back proves the cache; its speed is measured by reference/workflows/bench.ts.
    expect(second).toBe(first);
    expect(first.hash).toBe(createHash('sha256').update(source).digest('hex'));
    const other = await compileWorkflow(`${source}\n`);
    expect(other).not.toBe(first);
    expect(other.hash).not.toBe(first.hash);
    expect(Object.isFrozen(first) && Object.isFrozen(first.settings)).toBe(true);
  });

  it('concurrent compiles of one source share one build', async () => {
    const source = userWorkflow(`kinde.accessToken.setCustomClaim("concurrent", ${Math.random()});`);
    const [a, b] = await Promise.all([compileWorkflow(source), compileWorkflow(source)]);
    expect(a).toBe(b);
  });
});
