/** Shared by the replay tests: a scratch folder with a marker module and a results file naming it. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunResults } from '../../reports/results.js';

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/results-fail.json', import.meta.url), 'utf8')) as RunResults;

export interface Setup {
  dir: string;
  marker: string;
  file: string;
}

/** A scratch folder with a marker module (evil.mjs and evil.ts) and a results file shaped by `shape`. */
export function setup(shape: (r: RunResults, s: { dir: string; module: string }) => void): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'ktc-replay-'));
  const marker = join(dir, 'MARKER');
  const body = `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default {};\n`;
  writeFileSync(join(dir, 'evil.mjs'), body);
  writeFileSync(join(dir, 'evil.ts'), body);
  const results = structuredClone(FIXTURE);
  // A requirement of today's catalog, so the replay would go on to run it.
  results.requirements.find((x) => x.id === 'AT-AUD-REQUESTED')!.id = 'TOKEN-JTI-UNIQUE';
  shape(results, { dir, module: join(dir, 'evil.mjs') });
  const file = join(dir, 'results.json');
  writeFileSync(file, JSON.stringify(results));
  return { dir, marker, file };
}

export const CASES: Array<[string, (r: RunResults, s: { dir: string; module: string }) => void, string]> = [
  ['target (a .ts module through tsx)', (r) => (r.invocation = { target: 'evil.ts' }), 'evil.ts'],
  ['verifier', (r) => (r.invocation = { target: 'reference', verifier: './evil.mjs' }), './evil.mjs'],
  ['relative target', (r) => (r.invocation = { target: './evil.mjs' }), './evil.mjs'],
  ['absolute target', (r, s) => (r.invocation = { target: s.module }), 'evil.mjs'],
  ['file URL target', (r, s) => (r.invocation = { target: pathToFileURL(s.module).href }), 'file://'],
  ['legacy file (target.name, no invocation)', (r) => (r.target.name = './evil.mjs'), './evil.mjs'],
  ['legacy file (verifier: in target.name)', (r) => (r.target.name = 'verifier:./evil.mjs'), './evil.mjs'],
];

