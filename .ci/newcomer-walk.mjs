#!/usr/bin/env node
// The newcomer walk: every shell block of README.md and docs/*.md, run as written, from the packed tarball
// installed in a scratch project outside the repository (or, for blocks marked `clone`, in a clone).
//
// A block is a fenced ```sh / ```bash / ```shell block. HTML comments on the lines right above its fence steer it:
//   <!-- walk: clone -->                   run in a clone of the repository (node_modules linked; `npm ci` is a no-op)
//   <!-- walk: with-serve -->              start `kinde-token-conformance serve --port 0` first; the block's
//                                          http://127.0.0.1:4000 is that server (the substitution is printed)
//   <!-- walk: before: COMMAND -->         a set-up command run (and printed) before the block
//   <!-- walk: exit N: TEXT -->            lines containing TEXT must exit N (default 0)
//   <!-- walk: skip-line: TEXT: REASON --> lines containing TEXT are not run; the reason is printed
//   <!-- walk: skip: REASON -->            the whole block is not run; the reason is printed (keep this rare)
//   <!-- walk: file: PATH -->              on a code block of any language: write it to PATH in every scratch project
// A js/ts block whose first line is `// NAME.mjs` (or .js/.ts) is written as NAME too, so the docs' own
// example files exist when a later block uses them. In installed mode `npm install … kinde-token-conformance …`
// installs the packed tarball instead of the registry's version (printed).
//
// Usage: node .ci/newcomer-walk.mjs [--tarball=FILE] [--printed-only] [FILE.md …]
// Exit 0 when every block that ran passed and every printed command did what it should.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
// Without --tarball: KTC_TARBALL, the tarball .ci/run packed once for every gate (else the walk packs one).
const tarballArg = args.find((a) => a.startsWith('--tarball='))?.slice('--tarball='.length) ?? (process.env.KTC_TARBALL || undefined);
const named = args.filter((a) => !a.startsWith('--'));
const docs = named.length > 0 ? named : ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const BLOCK_TIMEOUT_MS = Number(process.env.WALK_BLOCK_TIMEOUT_MS ?? 1_200_000);

/** Blocks of one markdown file with their directives. */
function blocksOf(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)```(\w+)?\s*$/.exec(lines[i]);
    if (!m) continue;
    const lang = m[2] ?? '';
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) j++;
    const body = lines.slice(i + 1, j).map((l) => l.slice(m[1].length));
    const directives = [];
    for (let k = i - 1; k >= 0; k--) {
      const d = /^\s*<!--\s*walk:\s*(.*?)\s*-->\s*$/.exec(lines[k]);
      if (d) directives.unshift(d[1]);
      else if (lines[k].trim() !== '') break;
    }
    out.push({ file, line: i + 1, lang, body, directives });
    i = j;
  }
  return out;
}

const all = docs.flatMap(blocksOf);
const shell = all.filter((b) => ['sh', 'bash', 'shell'].includes(b.lang));
// Files the docs define: `<!-- walk: file: PATH -->`, or a js/ts block whose first line names its file.
const files = new Map();
for (const b of all) {
  const fileDirective = b.directives.find((d) => d.startsWith('file:'));
  const named = /^\/\/\s*(\.\/)?([\w./-]+\.(?:mjs|cjs|js|ts|mts))\s*$/.exec(b.body[0] ?? '');
  if (fileDirective) files.set(fileDirective.slice(5).trim(), b.body.join('\n') + '\n');
  else if (['js', 'ts', 'javascript', 'typescript'].includes(b.lang) && named) files.set(named[2], b.body.join('\n') + '\n');
}

const work = mkdtempSync(join(tmpdir(), 'ktc-walk-'));
const say = (s) => process.stdout.write(`${s}\n`);
let tarball = tarballArg;
function installed() {
  const app = join(work, 'app');
  if (existsSync(app)) return app;
  if (!tarball) {
    say('walk: packing the tarball (npm pack)');
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
    tarball = join(work, name);
  }
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "newcomer", "version": "1.0.0", "private": true, "type": "module" }\n');
  say(`walk: scratch project ${app}, installing ${tarball}`);
  const ciInstalled = process.env.KTC_CI_INSTALLED;
  if (ciInstalled && tarball === process.env.KTC_TARBALL && existsSync(join(ciInstalled, 'node_modules', 'kinde-token-conformance'))) {
    // CI installed this tarball once in a scratch project of its own: a copy of that install (nothing shared),
    // and the dependency in package.json, as `npm install -D TARBALL` leaves them.
    say(`walk: a copy of CI's install of it (${ciInstalled})`);
    cpSync(join(ciInstalled, 'node_modules'), join(app, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    const own = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    own.devDependencies = JSON.parse(readFileSync(join(ciInstalled, 'package.json'), 'utf8')).devDependencies;
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(own, null, 2)}\n`);
  } else execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', '-D', tarball], { cwd: app, stdio: 'inherit' });
  writeFiles(app);
  return app;
}
function clone() {
  const dir = join(work, 'clone');
  if (existsSync(dir)) return dir;
  say(`walk: clone of the repository at ${dir} (node_modules linked from the checkout)`);
  execFileSync('git', ['clone', '--quiet', '--local', '--no-hardlinks', root, dir], { stdio: 'inherit' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFiles(dir);
  return dir;
}
function writeFiles(dir) {
  for (const [p, text] of files) {
    if (existsSync(join(dir, p))) continue;
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

/** Logical lines: backslash continuations joined, comment-only and empty lines dropped. */
function commands(body) {
  const out = [];
  let cur = '';
  for (const l of body) {
    cur += cur ? `\n${l}` : l;
    if (/\\\s*$/.test(l)) continue;
    if (cur.trim() !== '' && !cur.trim().startsWith('#')) out.push(cur);
    cur = '';
  }
  return out;
}

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const results = { ran: 0, passed: 0, failed: 0, skipped: [], linesSkipped: [], printed: 0, printedPassed: 0 };

async function walkBlock(b) {
  const where = `${b.file}:${b.line}`;
  const skip = b.directives.find((d) => d.startsWith('skip:'));
  if (skip) {
    results.skipped.push(`${where}: ${skip.slice(5).trim()}`);
    say(`\n── ${where}: SKIPPED: ${skip.slice(5).trim()}`);
    return;
  }
  const mode = b.directives.includes('clone') ? 'clone' : 'installed';
  const cwd = mode === 'clone' ? clone() : installed();
  const exits = b.directives.filter((d) => d.startsWith('exit ')).map((d) => /^exit (\d+):\s*(.*)$/.exec(d)).filter(Boolean).map((m) => ({ code: Number(m[1]), text: m[2] }));
  const skipLines = b.directives.filter((d) => d.startsWith('skip-line:')).map((d) => { const [text, ...why] = d.slice(10).trim().split(': '); return { text, why: why.join(': ') }; });
  const before = b.directives.filter((d) => d.startsWith('before:')).map((d) => d.slice(7).trim());
  say(`\n── ${where} (${mode}${b.directives.includes('with-serve') ? ', with serve' : ''})`);
  let server;
  let url;
  if (b.directives.includes('with-serve')) {
    const bin = mode === 'clone' ? join(cwd, 'bin', 'kinde-token-conformance.mjs') : join(cwd, 'node_modules', 'kinde-token-conformance', 'bin', 'kinde-token-conformance.mjs');
    server = spawn(process.execPath, [bin, 'serve', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise((resolve, reject) => {
      let text = '';
      server.stdout.on('data', (d) => {
        text += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
        if (m) resolve(m[1]);
      });
      server.on('exit', (c) => reject(new Error(`serve exited ${c} before it listened`)));
    });
    say(`walk: serve listens on ${url}; http://127.0.0.1:4000 in this block means it`);
  }
  const script = ['set -u', 'export CI=true NO_COLOR=1'];
  if (mode === 'installed') {
    // `npm install … kinde-token-conformance …` installs what is being tested: the packed tarball.
    script.push(`npm() { if [ "$1" = install ] || [ "$1" = i ]; then local a=(); for x in "$@"; do [ "$x" = kinde-token-conformance ] && { echo "walk: kinde-token-conformance → ${tarball}"; x=${q(tarball)}; }; a+=("$x"); done; command npm "\${a[@]}" --no-audit --no-fund; else command npm "$@"; fi; }`);
  } else {
    script.push(`npm() { if [ "$1" = ci ]; then echo "walk: npm ci → node_modules linked from the checkout"; return 0; fi; command npm "$@"; }`);
  }
  for (const cmd of before) script.push(`echo ${q(`walk: before: ${cmd}`)}`, `${cmd} || { echo 'walk: set-up failed'; exit 90; }`);
  let n = 0;
  for (const raw of commands(b.body)) {
    const line = url ? raw.replaceAll('http://127.0.0.1:4000', url) : raw;
    const sk = skipLines.find((s) => raw.includes(s.text));
    if (sk) {
      results.linesSkipped.push(`${where}: ${raw.split('\n')[0]} — ${sk.why}`);
      script.push(`echo ${q(`walk: skipped line: ${raw.split('\n')[0]} — ${sk.why}`)}`);
      continue;
    }
    const want = exits.find((e) => raw.includes(e.text))?.code ?? 0;
    n++;
    script.push(`echo ${q(`$ ${line}`)}`, `eval ${q(line)}`, `rc=$?`, `[ "$rc" -eq ${want} ] || { echo "walk: exit $rc, expected ${want}: "${q(line.split('\n')[0])}; exit 91; }`);
  }
  results.ran++;
  const r = spawnSync('bash', ['-c', script.join('\n')], { cwd, stdio: 'inherit', timeout: BLOCK_TIMEOUT_MS, env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' } });
  server?.kill();
  if (r.status === 0) {
    results.passed++;
    say(`walk: ${where} passed (${n} command${n === 1 ? '' : 's'})`);
  } else {
    results.failed++;
    say(`walk: ${where} FAILED (${r.error ? r.error.message : `exit ${r.status}`})`);
  }
}

/** Runs one printed command line in `cwd` and checks its exit code; returns its output. */
function runPrinted(what, line, cwd, want) {
  say(`$ ${line}`);
  const r = spawnSync('bash', ['-c', line], { cwd, encoding: 'utf8', timeout: BLOCK_TIMEOUT_MS, env: { ...process.env, CI: 'true', NO_COLOR: '1', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  results.printed++;
  if (r.status === want) {
    results.printedPassed++;
    say(`walk: printed command (${what}) exit ${r.status} as expected`);
  } else {
    results.failed++;
    say(`${out.split('\n').slice(-25).join('\n')}\nwalk: printed command (${what}) FAILED: exit ${r.status ?? r.error?.message}, expected ${want}`);
  }
  return out;
}

/** Commands the tool prints (serve's banner, a failure's replay line, the history's compare line), run where printed. */
async function walkPrinted() {
  say('\n── commands the tool prints, run from the scratch project where they are printed');
  const app = installed();
  const bin = join(app, 'node_modules', 'kinde-token-conformance', 'bin', 'kinde-token-conformance.mjs');
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
  const banner = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (d) => {
      text += d;
      if (/Ctrl-C stops it/.test(text)) resolve(text);
    });
    server.on('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  const runLine = /^\s+(npx kinde-token-conformance run --target=http --target-url=\S+)$/m.exec(banner)?.[1];
  if (!runLine) {
    results.failed++;
    say(`walk: serve's banner prints no run command:\n${banner}`);
  } else runPrinted("serve's run command", runLine, app, 0);
  server.kill();
  const failing = runPrinted('a failing run', 'npx kinde-token-conformance run --target=mutant:jti-reused --only=TOKEN-JTI-UNIQUE --runs=20 --seed=1', app, 1);
  const replay = /^\s+replay: (npx kinde-token-conformance .*)$/m.exec(failing)?.[1];
  if (!replay) {
    results.failed++;
    say('walk: the failing run printed no replay line');
  } else if (!runPrinted('the replay line', replay, app, 1).includes('TOKEN-JTI-UNIQUE')) {
    results.failed++;
    say('walk: the replay did not reproduce TOKEN-JTI-UNIQUE');
  }
  const compare = /(npx kinde-token-conformance report --compare)$/m.exec(failing)?.[1];
  if (compare) runPrinted("the history's compare line", compare, app, 1);
  // check-workflow's replay line, in a clone: a workflow with a code error (the tutorial without fixtures gives a
  // needs-fixtures warning only, exit 0, since check-workflow grades what only fixtures would decide honestly).
  const repo = clone();
  const checked = runPrinted('check-workflow on a workflow with an error', 'npx kinde-token-conformance check-workflow examples/workflows/check-workflow/kindeSrc/environment/workflows/throws/orgRequiredWorkflow.ts --runs=5 --seed=1', repo, 1);
  const cwReplay = /^Replay the smallest failing requests: (npx kinde-token-conformance check-workflow --replay=\S+)$/m.exec(checked)?.[1];
  if (!cwReplay) {
    results.failed++;
    say('walk: check-workflow printed no replay line');
  } else runPrinted("check-workflow's replay line", cwReplay, repo, 1);
}

const printedOnly = args.includes('--printed-only');
if (!printedOnly) for (const b of shell) await walkBlock(b);
if (!named.length) await walkPrinted();
say(`\nnewcomer walk: ${shell.length} blocks in ${docs.length} files: ${results.ran} run, ${results.passed} passed, ${results.skipped.length} skipped; ${results.linesSkipped.length} lines skipped; ${results.printed} printed commands run, ${results.printedPassed} as expected; ${results.failed} failed`);
for (const s of results.skipped) say(`  skipped block ${s}`);
for (const s of results.linesSkipped) say(`  skipped line ${s}`);
say(`(scratch projects in ${relative(process.cwd(), work) || work})`);
process.exit(results.failed > 0 || (results.ran === 0 && results.printed === 0) ? 1 : 0);
