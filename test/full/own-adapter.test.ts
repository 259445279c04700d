/**
 * An adapter module of the user's own (`--target=./file`), run through the
 * command line as a user runs it: the example and the module quoted in
 * docs/writing-an-adapter.md pass every requirement they declare, broken copies fail naming the
 * requirement they break (with a replay command that reproduces the failure),
 * and a TypeScript module loads too.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResults, Verdict } from '../../reports/results.js';
import { cli } from '../lib/cli.js';
import { isApplicable, requirements } from '../../schemas/catalog.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/own-adapter/m2m-token-service.mjs', import.meta.url));
const SOURCE = readFileSync(EXAMPLE, 'utf8');

/** What the example declares (m2m, orgScopedM2m, clock, keyRotation) makes exactly these applicable to a target run: derived from the catalog. */
const CAPS = { userTokens: false, refresh: false, m2m: true, orgScopedM2m: true, workflows: false, properties: false, featureFlags: false, clock: true, keyRotation: true };
const applicableTo = (caps: typeof CAPS) => requirements.filter((r) => !r.id.startsWith('VERIFY-') && isApplicable(r, caps)).map((r) => r.id);
const DECLARED = applicableTo(CAPS);
/** The page's module declares no clock. */
const DECLARED_BY_DOC = applicableTo({ ...CAPS, clock: false });

function reportDir(): string {
  return mkdtempSync(join(tmpdir(), 'ktc-own-'));
}

function results(dir: string): RunResults {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
}

/** `run --target=…` with 15 runs: the exit code, what it printed, and the run's results.json. */
async function runTarget(target: string, opts: { seed?: number; only?: string; cwd?: string } = {}): Promise<{ code: number | null; out: string; res: RunResults }> {
  const dir = reportDir();
  const args = ['run', `--target=${target}`, `--seed=${opts.seed ?? 1}`, '--runs=15', ...(opts.only ? [`--only=${opts.only}`] : []), `--report-dir=${dir}`];
  const r = await cli(args, 120_000, opts.cwd ? { cwd: opts.cwd } : {});
  return { ...r, res: results(dir) };
}

function byVerdict(r: RunResults, verdict: Verdict): string[] {
  return r.requirements.filter((x) => x.verdict === verdict).map((x) => x.id).sort();
}

/** A copy of the example with one change. */
function brokenCopy(name: string, from: string, to: string): string {
  expect(SOURCE.split(from).length - 1, `the example no longer contains ${JSON.stringify(from)}`).toBe(1);
  return besideNodeModules(name, SOURCE.replace(from, to));
}

/** Written under test-output/ (ignored by git), beside the repository's node_modules, so that a `jose` import resolves. */
function besideNodeModules(name: string, source: string): string {
  const dir = fileURLToPath(new URL('../../test-output/own-adapter/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(mkdtempSync(dir), `${name}.mjs`);
  writeFileSync(file, source);
  return file;
}

describe('an adapter module of your own (--target=./file)', () => {
  it.each([1, 2])('the example M2M token service passes every requirement it declares (seed %i)', async (seed) => {
    const { code, out, res } = await runTarget(EXAMPLE, { seed });
    expect(code, out).toBe(0);
    expect(res.target.name).toBe('m2m-token-service');
    expect(byVerdict(res, 'PASSED')).toEqual([...DECLARED].sort());
    expect(res.summary.PASSED + res.summary.NOT_APPLICABLE).toBe(res.summary.total);
    for (const id of DECLARED) expect(res.requirements.find((x) => x.id === id)?.runs, id).toBeGreaterThan(0);
  });

  it('the module of docs/writing-an-adapter.md passes as written, with the summary line the page shows', async () => {
    const doc = readFileSync(new URL('../../docs/writing-an-adapter.md', import.meta.url), 'utf8');
    const module = /```js\n(\/\/ my-adapter\.mjs\n[\s\S]*?)```/.exec(doc)?.[1];
    expect(module, 'the page has a ```js block starting with // my-adapter.mjs').toBeDefined();
    const summary = /^\d+ requirements: .*$/m.exec(doc)?.[0];
    expect(summary, 'the page quotes a summary line').toBeDefined();
    const file = besideNodeModules('my-adapter', module!);
    const { code, out, res } = await runTarget(file);
    expect(code, out).toBe(0);
    expect(byVerdict(res, 'PASSED')).toEqual([...DECLARED_BY_DOC].sort());
    expect(out).toContain(summary);
  });

  it('a copy that reuses one jti fails TOKEN-JTI-UNIQUE and nothing else, and its replay command reproduces it', async () => {
    const file = brokenCopy('jti-reused', '.setJti(randomUUID())', ".setJti('jti-1')");
    const { code, out, res } = await runTarget(file);
    expect(code, out).toBe(1);
    expect(byVerdict(res, 'FAILED')).toEqual(['TOKEN-JTI-UNIQUE']);
    const failed = res.requirements.find((x) => x.id === 'TOKEN-JTI-UNIQUE')!;
    expect(failed.failure?.message).toMatch(/same jti/);
    expect(out).toMatch(/✗ TOKEN-JTI-UNIQUE/);

    const replay = failed.failure?.replay;
    expect(replay, 'a failure carries its replay command').toMatch(/^npx kinde-token-conformance run /);
    const args = replay!.replace(/^npx kinde-token-conformance /, '').split(' ');
    const again = reportDir();
    const rr = await cli([...args, `--report-dir=${again}`]);
    expect(rr.code, rr.out).toBe(1);
    expect(byVerdict(results(again), 'FAILED')).toEqual(['TOKEN-JTI-UNIQUE']);
  });

  it('a copy without gty breaks the M2M schema (FAILED) and warns on M2M-GTY (a documented contradiction)', async () => {
    const file = brokenCopy('no-gty', "gty: ['client_credentials'],", '');
    const { code, out, res } = await runTarget(file);
    expect(code, out).toBe(1);
    expect(byVerdict(res, 'FAILED')).toEqual(['CLAIMS-REQUIRED-M2M']);
    expect(byVerdict(res, 'WARNING')).toEqual(['M2M-GTY']);
    expect(res.requirements.find((x) => x.id === 'CLAIMS-REQUIRED-M2M')?.failure?.message).toMatch(/gty/);
  });

  it('a TypeScript module loads (compiled on the fly), from a directory outside the repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktc-ts-adapter-'));
    // Type annotations and an interface: plain Node 20 cannot import this file.
    writeFileSync(
      join(dir, 'my-adapter.ts'),
      [
        `import { createAdapter } from ${JSON.stringify(pathToFileURL(EXAMPLE).href)};`,
        'interface Info { name: string; version: string }',
        'export default async function create(options: { targetUrl?: string }) {',
        '  const base = createAdapter(options);',
        '  const start = async (): Promise<Info> => ({ ...(await base.start()), name: "m2m-token-service-ts" });',
        '  return { ...base, start };',
        '}',
        '',
      ].join('\n'),
    );
    const { code, out, res } = await runTarget('./my-adapter.ts', { only: 'M2M-VERSION,ORG-M2M-ORG-CODE', cwd: dir });
    expect(code, out).toBe(0);
    expect(res.target.name).toBe('m2m-token-service-ts');
    expect(byVerdict(res, 'PASSED')).toEqual(expect.arrayContaining(['M2M-VERSION', 'ORG-M2M-ORG-CODE']));
    expect(byVerdict(res, 'FAILED')).toEqual([]);
  });
});
