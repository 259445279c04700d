import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../adapters/types.js';
import {
  closeSandbox,
  compileWorkflow,
  parseWorkflowSettings,
  runWorkflow,
  WorkflowError,
} from '../reference/workflows/index.js';
import type { CompiledWorkflow, RunInput, RunResult, WorkflowErrorCode } from '../reference/workflows/index.js';

afterAll(() => closeSandbox());

const USER_EVENT: JsonObject = {
  request: { auth: { audience: ['https://api.example.com'] }, ip: '203.0.113.7' },
  context: {
    auth: { origin: 'authorization_request', connectionId: 'conn_1', isExistingSession: false },
    user: { id: 'kp_123', identityId: 'identity_1' },
    organization: { code: 'org_abc' },
    application: { clientId: 'client_1' },
    workflow: { trigger: 'user:tokens_generation' },
  },
};
const M2M_EVENT: JsonObject = {
  request: { auth: { audience: ['https://api.example.com'], scope: ['read:things'] } },
  context: { application: { clientId: 'm2m_1' }, workflow: { trigger: 'm2m:token_generation' } },
};
const USER_TOKENS: RunInput['tokens'] = {
  'kinde.accessToken': { sub: 'kp_123', permissions: ['read:things'], feature_flags: { dark: { t: 'b', v: true } } },
  'kinde.idToken': { sub: 'kp_123', name: 'Tom Riddle' },
};

/** A user-token workflow with the given bindings and body. */
const userWorkflow = (body: string, bindings = '"kinde.accessToken": {}') => `
import { onUserTokenGeneratedEvent, WorkflowSettings, WorkflowTrigger, accessTokenCustomClaims, idTokenCustomClaims, m2mTokenClaims } from "@kinde/infrastructure";
export const workflowSettings: WorkflowSettings = {
  id: "test", trigger: WorkflowTrigger.UserTokenGeneration, bindings: { ${bindings} } as any,
};
export default async function Workflow(event: onUserTokenGeneratedEvent) {
${body}
}`;

async function expectCompileError(source: string, code: WorkflowErrorCode, messagePart: string | RegExp): Promise<void> {
  const error = await compileWorkflow(source).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  expect((error as WorkflowError).code).toBe(code);
  expect((error as WorkflowError).message).toMatch(messagePart);
}

function expectFailure(result: RunResult, code: WorkflowErrorCode): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code).toBe(code);
  return result.error.message;
}

describe('the docs examples', () => {
  it('access token: companyName (verbatim tutorial example)', async () => {
    const wf = await compileWorkflow(`
import { onUserTokenGeneratedEvent, WorkflowSettings, WorkflowTrigger, accessTokenCustomClaims } from "@kinde/infrastructure";
export const workflowSettings: WorkflowSettings = {
  id: "addCustomClaimWorkflow", name: "Add Custom Claim Workflow",
  trigger: WorkflowTrigger.UserTokenGeneration, failurePolicy: { action: "stop" },
  bindings: { "kinde.accessToken": {}, url: {} },
};
export default async function Workflow(event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ companyName: string }>();
  accessToken.companyName = "Acme Inc.";
}`);
    expect(wf.settings).toEqual({
      id: 'addCustomClaimWorkflow',
      name: 'Add Custom Claim Workflow',
      trigger: 'user:tokens_generation',
      failurePolicy: 'stop',
      bindings: ['kinde.accessToken', 'url'],
    });
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result).toMatchObject({
      ok: true,
      writes: [{ binding: 'kinde.accessToken', name: 'companyName', value: 'Acme Inc.' }],
    });
  });

  it('ID token: house and name', async () => {
    const wf = await compileWorkflow(
      userWorkflow(
        `const idToken = idTokenCustomClaims<{ house: string; name: string }>();
  idToken.house = "Gryffindor";
  idToken.name = "Harry Potter";`,
        '"kinde.idToken": {}, url: {}',
      ),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.ok).toBe(true);
    expect(result.writes).toEqual([
      { binding: 'kinde.idToken', name: 'house', value: 'Gryffindor' },
      { binding: 'kinde.idToken', name: 'name', value: 'Harry Potter' },
    ]);
  });

  it('removing claims: permissions = [] and feature_flags = {}', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`const accessToken = accessTokenCustomClaims<{ permissions: string[]; feature_flags: Record<string, unknown> }>();
  accessToken.permissions = [];
  accessToken.feature_flags = {};`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.ok).toBe(true);
    expect(result.writes).toEqual([
      { binding: 'kinde.accessToken', name: 'permissions', value: [] },
      { binding: 'kinde.accessToken', name: 'feature_flags', value: {} },
    ]);
  });

  it('M2M: m2mTokenClaims with WorkflowTrigger.M2MTokenGeneration', async () => {
    const wf = await compileWorkflow(`
import { onM2MTokenGeneratedEvent, WorkflowSettings, WorkflowTrigger, m2mTokenClaims } from "@kinde/infrastructure";
export const workflowSettings: WorkflowSettings = {
  id: "m2mTokenGeneration", name: "M2M custom claims", failurePolicy: { action: "stop" },
  trigger: WorkflowTrigger.M2MTokenGeneration, bindings: { "kinde.m2mToken": {}, url: {} },
};
export default async function Workflow(event: onM2MTokenGeneratedEvent) {
  const m2mToken = m2mTokenClaims<{ applicationId: string; orgCode: string }>();
  m2mToken.applicationId = event.context.application.clientId;
  m2mToken.orgCode = "org_123";
}`);
    expect(wf.settings.trigger).toBe('m2m:token_generation');
    const result = await runWorkflow(wf, { event: M2M_EVENT, tokens: { 'kinde.m2mToken': { sub: 'm2m_1' } } });
    expect(result.ok).toBe(true);
    expect(result.writes).toEqual([
      { binding: 'kinde.m2mToken', name: 'applicationId', value: 'm2m_1' },
      { binding: 'kinde.m2mToken', name: 'orgCode', value: 'org_123' },
    ]);
  });

  it('low-level binding: kinde.accessToken.setCustomClaim("hello", "Hello there!")', async () => {
    const wf = await compileWorkflow(userWorkflow(`kinde.accessToken.setCustomClaim("hello", "Hello there!");`));
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.writes).toEqual([{ binding: 'kinde.accessToken', name: 'hello', value: 'Hello there!' }]);
  });
});

describe('bindings: declared AND offered', () => {
  it('an undeclared binding is not available (the library throws its own error), no writes', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`accessTokenCustomClaims<{ a: string }>().a = "x";`, '"kinde.idToken": {}'),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(expectFailure(result, 'ERR_WORKFLOW_THREW')).toContain('accessToken binding not available');
    expect(result.writes).toEqual([]);
  });

  it('a declared binding the issuer does not offer for the trigger is not available', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`m2mTokenClaims<{ a: string }>().a = "x";`, '"kinde.m2mToken": {}, "kinde.accessToken": {}'),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(expectFailure(result, 'ERR_WORKFLOW_THREW')).toContain('m2mToken binding not available');
    expect(result.writes).toEqual([]);
  });

  it('kinde exposes exactly the intersection of offered and declared token bindings', async () => {
    const all = ['kinde.accessToken', 'kinde.idToken', 'kinde.m2mToken'] as const;
    const wf = await compileWorkflow(
      userWorkflow(
        `console.log(JSON.stringify(Object.keys(kinde).sort()));`,
        '"kinde.accessToken": {}, "kinde.m2mToken": {}, url: {}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.subarray([...all]), async (offered) => {
        const tokens: RunInput['tokens'] = {};
        for (const b of offered) tokens[b] = { sub: 'x' };
        const result = await runWorkflow(wf, { event: USER_EVENT, tokens });
        const expected = offered
          .filter((b) => b !== 'kinde.idToken')
          .map((b) => b.slice(6))
          .sort();
        expect(result.logs).toEqual([`log: ${JSON.stringify(expected)}`]);
      }),
      { numRuns: 16 },
    );
  });

  it('getCustomClaims returns a fresh copy of the offered claims; changing it or the event writes nothing', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`const first = kinde.accessToken.getCustomClaims() as any;
  first.injected = 1;
  (event as any).context.user.id = "kp_changed";
  const second = kinde.accessToken.getCustomClaims() as any;
  console.log(JSON.stringify([first === second, second.injected ?? null, second.permissions, accessTokenCustomClaims<{ sub: string }>().sub]));`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.ok).toBe(true);
    expect(result.writes).toEqual([]);
    expect(result.logs).toEqual([`log: ${JSON.stringify([false, null, ['read:things'], 'kp_123'])}`]);
    expect((USER_EVENT.context as JsonObject).user).toEqual({ id: 'kp_123', identityId: 'identity_1' });
  });
});

describe('settings', () => {
  it('failurePolicy defaults to stop; continue is parsed', async () => {
    const base = (policy: string) => `export const workflowSettings = { id: "p", trigger: "user:tokens_generation"${policy} };
export default async function () {}`;
    expect((await compileWorkflow(base(''))).settings.failurePolicy).toBe('stop');
    expect((await compileWorkflow(base(', failurePolicy: { action: "continue" }'))).settings.failurePolicy).toBe('continue');
    expect((await compileWorkflow(base(', failurePolicy: { action: "stop" }'))).settings.failurePolicy).toBe('stop');
    expect((await compileWorkflow(base(''))).settings.bindings).toEqual([]);
  });

  it.each([
    ['missing id', '{ trigger: "user:tokens_generation" }', 'workflowSettings.id'],
    ['empty id', '{ id: "", trigger: "user:tokens_generation" }', 'workflowSettings.id'],
    ['numeric trigger', '{ id: "a", trigger: 7 }', 'workflowSettings.trigger'],
    ['bad failure policy', '{ id: "a", trigger: "t", failurePolicy: { action: "retry" } }', 'workflowSettings.failurePolicy.action'],
    ['failure policy as string', '{ id: "a", trigger: "t", failurePolicy: "stop" }', 'workflowSettings.failurePolicy'],
    ['bindings as array', '{ id: "a", trigger: "t", bindings: ["kinde.accessToken"] }', 'workflowSettings.bindings'],
    ['binding value not an object', '{ id: "a", trigger: "t", bindings: { "kinde.accessToken": true } }', 'workflowSettings.bindings["kinde.accessToken"]'],
    ['name not a string', '{ id: "a", trigger: "t", name: 3 }', 'workflowSettings.name'],
    ['not an object', '"settings"', 'workflowSettings must be an object'],
  ])('%s → ERR_WORKFLOW_SETTINGS naming the field', async (_label, settings, field) => {
    await expectCompileError(
      `export const workflowSettings = ${settings};\nexport default async function () {}`,
      'ERR_WORKFLOW_SETTINGS',
      field,
    );
  });

  it('a module without workflowSettings is refused', async () => {
    await expectCompileError('export default async function () {}', 'ERR_WORKFLOW_SETTINGS', 'not exported');
  });

  it('a module without a default function is refused', async () => {
    await expectCompileError(
      'export const workflowSettings = { id: "a", trigger: "t" };\nexport const x = 1;',
      'ERR_WORKFLOW_NO_DEFAULT_EXPORT',
      'default',
    );
  });

  it('property: valid settings are parsed field by field; a wrong-typed field is named', () => {
    const nonEmpty = fc.string({ minLength: 1 });
    fc.assert(
      fc.property(
        nonEmpty,
        nonEmpty,
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.constantFrom('stop' as const, 'continue' as const), { nil: undefined }),
        fc.uniqueArray(fc.string(), { maxLength: 5 }),
        (id, trigger, name, action, bindingKeys) => {
          const raw: Record<string, unknown> = { id, trigger, bindings: Object.fromEntries(bindingKeys.map((k) => [k, {}])) };
          if (name !== undefined) raw.name = name;
          if (action !== undefined) raw.failurePolicy = { action };
          const parsed = parseWorkflowSettings(JSON.parse(JSON.stringify(raw)));
          expect(parsed.id).toBe(id);
          expect(parsed.trigger).toBe(trigger);
          expect(parsed.name).toBe(name);
          expect(parsed.failurePolicy).toBe(action ?? 'stop');
          expect([...parsed.bindings].sort()).toEqual([...bindingKeys].sort());
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('id', 'trigger', 'name', 'failurePolicy', 'bindings'),
        fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer())),
        (field, bad) => {
          const raw: Record<string, unknown> = { id: 'a', trigger: 't', [field]: bad };
          expect(() => parseWorkflowSettings(raw)).toThrow(`workflowSettings.${field}`);
        },
      ),
    );
  });
});

describe('build errors name the problem', () => {
  const settings = 'export const workflowSettings = { id: "a", trigger: "t" };';
  it.each([
    ['import "fs"', 'import fs from "fs"; console.log(fs);', '"fs"'],
    ['a side-effect import', 'import "fs";', '"fs"'],
    ['import "node:fs"', 'import { readFileSync } from "node:fs"; console.log(readFileSync);', '"node:fs"'],
    ['require("child_process")', 'const cp = require("child_process"); console.log(cp);', '"child_process"'],
    ['an installed package that is not allowed', 'import { jwtVerify } from "jose"; console.log(jwtVerify);', '"jose"'],
    ['an unknown package', 'import x from "left-pad-nonexistent"; console.log(x);', '"left-pad-nonexistent"'],
    ['a relative file of the host repository', 'import x from "./package.json"; console.log(x);', '"./package.json"'],
    ['import() of a literal', 'export async function f() { return import("fs"); }', '"fs"'],
    ['import() of an expression', 'export async function f(m: string) { return import(m); }', 'dynamic import()'],
  ])('%s', async (_label, code, part) => {
    await expectCompileError(`${settings}\n${code}\nexport default async function () {}`, 'ERR_WORKFLOW_BUILD', part);
  });

  it('the word "import" in strings and property names is fine', async () => {
    const wf = await compileWorkflow(`${settings}\nexport default async function () { const o = { import: "import this" }; console.log(o.import, "important"); }`);
    expect(wf.settings.id).toBe('a');
  });

  it('a syntax error names the file position', async () => {
    await expectCompileError(`${settings}\nexport default async function () {\n  const x = ;\n}`, 'ERR_WORKFLOW_BUILD', /Workflow\.ts:3:\d+/);
  });

  it('an oversized source is refused', async () => {
    await expectCompileError(`${settings}\n//${'x'.repeat(256 * 1024)}\nexport default async function () {}`, 'ERR_WORKFLOW_BUILD', 'limit');
  });

  it('a module body that throws is reported', async () => {
    await expectCompileError(`${settings}\nthrow new Error("boom at load");\nexport default async function () {}`, 'ERR_WORKFLOW_THREW', 'boom at load');
  });
});

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
