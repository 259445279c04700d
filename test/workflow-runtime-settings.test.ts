// The reference workflow runtime: workflowSettings, and build errors that name the problem.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSandbox, compileWorkflow, parseWorkflowSettings } from '../reference/workflows/index.js';
import { expectCompileError } from './lib/workflow-runtime-fixtures.js';

afterAll(() => closeSandbox());

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
    ['a data: URL', 'import x from "data:text/javascript,export default 1"; console.log(x);', '"data:text/javascript,export default 1" is not allowed'],
    ['a data: URL that imports a file', 'import x from "data:text/javascript,export { default } from \'/etc/hostname\'"; console.log(x);', 'is not allowed in a workflow'],
    ['a near miss of the allowed name', 'import { x } from "@kinde/infrastructure/x"; console.log(x);', '"@kinde/infrastructure/x" is not allowed'],
    ['a name the library does not export', 'import { notExported } from "@kinde/infrastructure"; console.log(notExported);', 'for import "notExported"'],
  ])('%s', async (_label, code, part) => {
    await expectCompileError(`${settings}\n${code}\nexport default async function () {}`, 'ERR_WORKFLOW_BUILD', part);
  });

  it('an import TypeScript elides (unused) is not bundled, so not refused; the library is not required to be imported', async () => {
    const wf = await compileWorkflow(`${settings}\nimport fs from "fs";\nimport x from "data:text/javascript,export default 1";\nexport default async function () {}`);
    expect(wf.settings.id).toBe('a');
    expect(wf.code).not.toContain('data:');
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
