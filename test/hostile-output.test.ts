/**
 * Foreign text never reaches a terminal, a CI log or a report raw: a run
 * against an adapter module whose handshake and errors carry workflow commands
 * after newlines, a screen clear, a window-title escape and a bidi override
 * (hardening/injecting-adapter.ts), with GitHub Actions annotations on, prints
 * no line that GitHub would read as a workflow command except the tool's own
 * annotations, no raw ESC or bidi control, and no stack; every report format
 * of a results file carrying the same text in every foreign field is as clean.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubAnnotations } from '../bin/output.js';
import { INJECTION } from '../hardening/injecting-adapter.js';
import type { RunResults } from '../reports/results.js';
import { cli } from './lib/cli.js';
import { allFormats, FIXTURES, req } from './lib/reports-fixtures.js';
import { OWN_RUN_COMMAND_LINE } from '../reports/sanitize.js';

/** The tool's own annotations: `::error title=<ID> <VERDICT>::…` (reports: bin/output.ts). */
const OWN_ANNOTATION = /^::(error|warning) title=[A-Z0-9-]+ (FAILED|ERRORED|WARNING)::/;
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** What is wrong with `text` as terminal or CI-log output. */
function problems(text: string, annotationsAllowed: boolean): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trimStart();
    if (t.startsWith('::') && !(annotationsAllowed && OWN_RUN_COMMAND_LINE.test(line))) found.push(`workflow command: ${line.slice(0, 120)}`);
    if (RAW_CONTROL.test(line)) found.push(`raw control: ${JSON.stringify(line.slice(0, 120))}`);
    if (/^\s+at \S.*:\d+:\d+\)?$/.test(line)) found.push(`stack frame: ${line.slice(0, 120)}`);
  }
  return found;
}

function injected(): RunResults {
  const copy = structuredClone(FIXTURES.fail);
  copy.target.name = `evil${INJECTION}`;
  copy.target.version = `1${INJECTION}`;
  for (const r of copy.requirements) {
    r.statement = `statement${INJECTION}`;
    if (r.reason !== undefined) r.reason = `reason${INJECTION}\n    at evil (/x.js:1:2)`;
    if (r.failure) {
      r.failure.message = `message${INJECTION}`;
      r.failure.replay = `npx x${INJECTION}`;
      if (r.failure.counterexample) r.failure.counterexample.message = `counterexample${INJECTION}`;
    }
  }
  req(copy, 'AT-ISS-ISSUER').source.quote = `quote${INJECTION}`;
  return copy;
}

describe('foreign text in the output', () => {
  it('every report format escapes controls and bidi; terminal and annotations carry no foreign workflow command', () => {
    const formats = allFormats(injected());
    expect(problems(formats.terminal!, false)).toEqual([]);
    expect(problems(githubAnnotations(injected()).join('\n'), true)).toEqual([]);
    for (const kind of ['markdown', 'junit', 'html'] as const) {
      expect(RAW_CONTROL.test(formats[kind]!.replace(/\r?\n|\t/g, '')), `${kind} holds a raw control or bidi character`).toBe(false);
    }
    // The text is still there, shown escaped.
    expect(formats.terminal).toContain('\\u202eevil');
    expect(formats.html).toContain('\\u202eevil');
  });

  it('a run against an injecting adapter module prints nothing raw (GitHub Actions annotations on)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktc-inject-'));
    const r = await cli(
      ['run', '--target=hardening/injecting-adapter.ts', '--runs=2', '--keep-going', '--only=M2M-GTY,RT-ROTATE,TOKEN-ISS', `--report-dir=${dir}`, '--seed=1'],
      120_000,
      { env: { GITHUB_ACTIONS: 'true' } },
    );
    expect(r.code, r.out).toBe(1);
    expect(problems(r.out, true)).toEqual([]);
    expect(r.out.split('\n').filter((l) => OWN_ANNOTATION.test(l))).toHaveLength(3); // the tool's own annotations are there
    expect(r.out).toContain(': :error title=FAKE'); // the foreign one shown, inert
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(RAW_CONTROL.test(md.replace(/\r?\n|\t/g, ''))).toBe(false);
  });
});
