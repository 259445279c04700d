/**
 * check-workflow reads only the project under review (issue 19 §3): an import
 * resolving outside the project root is a `build` finding naming the path and
 * is never read (a symlink out of the project likewise); kinde.json's rootDir
 * outside the project is refused (exit 2); a FIFO given as the workflow, or
 * imported by it, is refused before reading. The secret outside the project
 * never appears in any output (terminal, check-workflow.json, .html).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheckWorkflow } from './lib/check-workflow-run.js';

const SECRET = `SECRET-${process.pid}-OUTSIDE`;
const WF = (importLine: string, use: string) => `${importLine}
import { accessTokenCustomClaims } from "@kinde/infrastructure";
export const workflowSettings = { id: "leak", trigger: "user:tokens_generation", bindings: { "kinde.accessToken": {} } };
export default async function Workflow() { accessTokenCustomClaims<any>().leak = ${use}; }
`;

let base: string;
let project: string;
let workflows: string;

function everything(dir: string, printed: string): string {
  let text = printed;
  for (const f of readdirSync(dir)) text += readFileSync(join(dir, f), 'utf8');
  return text;
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'ktc-cw-hostile-'));
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside', 'secret.txt'), SECRET);
  writeFileSync(join(base, 'outside', 'secret.json'), JSON.stringify({ s: SECRET }));
  writeFileSync(join(base, 'outside', 'secret'), `module.exports = "${SECRET}";`);
  project = join(base, 'proj');
  workflows = join(project, 'kindeSrc', 'environment', 'workflows');
  mkdirSync(workflows, { recursive: true });
  writeFileSync(join(project, 'kinde.json'), JSON.stringify({ rootDir: 'kindeSrc' }));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('check-workflow reads nothing outside the project', () => {
  const imports: [string, string][] = [
    ['text file by relative path', 'import secret from "../../../../../outside/secret.txt";'],
    ['JSON by relative path', 'import secret from "../../../../../outside/secret.json";'],
    ['extensionless file by absolute path', 'import secret from "ABS/outside/secret";'],
  ];
  for (const [name, line] of imports) {
    it(`an import of a ${name} is a build finding naming the path, and never read`, async () => {
      const dir = join(workflows, name.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'leakWorkflow.ts'), WF(line.replace('ABS', base), 'secret'));
      const out = join(base, 'out', name.replace(/\W+/g, '-'));
      const r = await runCheckWorkflow([join(dir, 'leakWorkflow.ts'), '--seed=1', '--runs=2', `--report-dir=${out}`]);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/build .*resolves outside the project root .*outside[/\\]secret/);
      expect(everything(out, r.out + r.err)).not.toContain(SECRET);
    });
  }

  it('a symlink inside the project pointing outside is refused too', async () => {
    const dir = join(workflows, 'symlink');
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(base, 'outside', 'secret.txt'), join(dir, 'inside.txt'));
    writeFileSync(join(dir, 'linkWorkflow.ts'), WF('import secret from "./inside.txt";', 'secret'));
    const out = join(base, 'out', 'symlink');
    const r = await runCheckWorkflow([join(dir, 'linkWorkflow.ts'), '--seed=1', '--runs=2', `--report-dir=${out}`]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/lies outside the project root/);
    expect(everything(out, r.out + r.err)).not.toContain(SECRET);
  });

  it("kinde.json's rootDir outside the project is refused with exit 2, named", async () => {
    const other = join(base, 'proj2');
    mkdirSync(other);
    writeFileSync(join(other, 'kinde.json'), JSON.stringify({ rootDir: '../outside' }));
    const r = await runCheckWorkflow([other, `--report-dir=${join(base, 'out', 'rootdir')}`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/rootDir "\.\.\/outside" lies outside the project/);
    expect(r.out + r.err).not.toContain(SECRET);
  });

  it.skipIf(process.platform === 'win32')('a FIFO as the workflow file, or imported by one, is refused before reading (no hang)', async () => {
    const dir = join(workflows, 'fifo');
    mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', [join(dir, 'pipeWorkflow.ts')]);
    execFileSync('mkfifo', [join(dir, 'pipe.ts')]);
    const direct = await runCheckWorkflow([join(dir, 'pipeWorkflow.ts'), `--report-dir=${join(base, 'out', 'fifo1')}`]);
    expect(direct.code).toBe(2);
    expect(direct.err).toMatch(/not a regular file/);
    writeFileSync(join(dir, 'importsPipeWorkflow.ts'), WF('import x from "./pipe";', 'x'));
    const out = join(base, 'out', 'fifo2');
    const imported = await runCheckWorkflow([join(dir, 'importsPipeWorkflow.ts'), '--seed=1', '--runs=2', `--report-dir=${out}`]);
    expect(imported.code).toBe(1);
    expect(imported.out).toMatch(/build .*not a regular file/);
    const fifoProject = join(base, 'proj3');
    mkdirSync(fifoProject);
    execFileSync('mkfifo', [join(fifoProject, 'kinde.json')]);
    const json = await runCheckWorkflow([fifoProject, `--report-dir=${join(base, 'out', 'fifo3')}`]);
    expect(json.code).toBe(2);
    expect(json.err).toMatch(/kinde\.json is not a regular file/);
  });
});
