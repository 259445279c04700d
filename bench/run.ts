/**
 * Benchmark (issue 12 goals), printed as lines a script can read:
 *
 *   suite wall time: N s      the default run (100 runs) through the command line, all cores
 *   first check after: N s    from the command to the first check running (compiled package)
 *   first progress line after: N s   from spawning the compiled command line to its first check's progress line
 *   suite / raw jose: N×      that wall time over raw jose signing + verifying as many tokens
 *   suite CPU / raw jose CPU: N×   the same, CPU time of the whole process tree over raw jose's (steadier under load)
 *   peak RSS: N MiB           the whole process tree (the CLI, its workers, sandbox processes)
 *
 * then cost against --runs (10 / 100 / 300: it should be linear), a
 * per-phase table from an instrumented in-process run of the same checks, and
 * the power line (bench/power.ts): mutants per minute of a seeded campaign
 * sample and the full campaign's estimate, with the same sample live beside it
 * (not with --quick).
 *
 *   npm run bench [-- --seed=N --quick --power-sample=N]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { ReferenceAdapter } from '../reference/adapter.js';
import { compileCounters } from '../reference/workflows/compile.js';
import { sandboxCounters } from '../reference/workflows/sandbox.js';
import type { Adapter } from '../adapters/types.js';
import type { RunResults } from '../reports/results.js';
import { writeReports } from '../reports/write.js';
import { runChecks } from '../runner/run.js';
import { DEFAULT_RUNS } from '../runner/options.js';
import { tokenStats } from '../suites/lib/tokens.js';
import { signCounters } from '../reference/token-encoding.js';
import { powerLines, powerSample, treeCpu } from './power.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, quick: { type: 'boolean' }, 'power-sample': { type: 'string' } } });
const seed = Number(values.seed ?? 1);
const ROOT = new URL('..', import.meta.url).pathname;

/** Peak resident memory of a process and all its descendants, sampled from /proc. */
function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(Number(d));
    } catch {
      /* gone */
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += m ? Number(m[1]) * 1024 : 0;
    } catch {
      /* gone */
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

interface CliRun {
  runs: number;
  wallMs: number;
  firstCheckAfterMs: number;
  /** From the spawn to the first check's progress line on stdout (what a user sees first). */
  firstLineAfterMs: number;
  /** User + system CPU seconds of the process tree. */
  cpuS: number;
  peakRss: number;
  results: RunResults;
}

/** The progress line of a finished check: `  [ 1/52 · 0:01.2 · …]`. */
const PROGRESS_LINE = /^\s+\[\s*\d+\/\d+ /m;

/** One run of the compiled command line, as an installed package runs it. */
async function cliRun(runs: number): Promise<CliRun> {
  const dir = mkdtempSync(join(os.tmpdir(), 'ktc-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'dist/bin/cli.js'), 'run', `--runs=${runs}`, `--seed=${seed}`, `--report-dir=${dir}`], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NO_COLOR: '1' } });
  let firstLineAfterMs = NaN;
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    if (!Number.isNaN(firstLineAfterMs)) return;
    out += d;
    if (PROGRESS_LINE.test(out)) firstLineAfterMs = performance.now() - started;
  });
  let peakRss = 0;
  let cpuS = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, treeRss(child.pid!));
    cpuS = Math.max(cpuS, treeCpu(child.pid!));
  }, 100);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(sampler);
  const wallMs = performance.now() - started;
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
  if (code !== 0) throw new Error(`the default run exited ${code}: see ${dir}`);
  // firstCheckAfterMs counts from the CLI process's start (not the spawn).
  return { runs, wallMs, firstCheckAfterMs: results.timing!.firstCheckAfterMs, firstLineAfterMs, cpuS, peakRss, results };
}

/** CPU seconds of this process's helper processes (live ones and those it reaped), esbuild's apart. */
function helperCpu(): { esbuild: number; others: number } {
  const self = readFileSync('/proc/self/stat', 'utf8');
  const f = self.slice(self.lastIndexOf(')') + 2).split(' ');
  const reaped = (Number(f[13]) + Number(f[14])) / 100;
  let esbuild = 0;
  let all = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const g = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(g[1]) !== process.pid) continue;
      const cpu = (Number(g[11]) + Number(g[12]) + Number(g[13]) + Number(g[14])) / 100;
      all += cpu;
      if (stat.includes('(esbuild)')) esbuild += cpu;
    } catch {
      /* gone */
    }
  }
  return { esbuild, others: all - esbuild + reaped };
}

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;

/** Instrumented in-process run: time (and CPU of this process) spent in each adapter method, tokens issued. */
async function phases(runs: number) {
  const spent: Record<string, number> = { provision: 0, deployWorkflow: 0, issuance: 0, jwks: 0, other: 0 };
  const cpu: Record<string, number> = { provision: 0, deployWorkflow: 0, issuance: 0, jwks: 0, other: 0 };
  const counter = { issued: 0 };
  const reference = new ReferenceAdapter();
  const timed = new Proxy(reference, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const key = prop === 'signIn' || prop === 'refresh' || prop === 'clientCredentials' ? 'issuance' : String(prop) in spent ? String(prop) : 'other';
      return async (...args: unknown[]) => {
        const t = performance.now();
        const c = process.cpuUsage();
        try {
          const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (key === 'issuance') {
            const tr = r as { ok: boolean; body?: { id_token?: string } };
            if (tr.ok) counter.issued += 1 + (tr.body?.id_token ? 1 : 0);
          }
          return r;
        } finally {
          spent[key]! += performance.now() - t;
          cpu[key]! += cpuMs(process.cpuUsage(c));
        }
      };
    },
  }) as Adapter;
  const verifiedBefore = { ...tokenStats };
  const signedBefore = { ...signCounters };
  const helpersBefore = helperCpu();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await runChecks({ target: 'reference', seed, runs, strict: false, only: [], concurrency: 1 }, {}, { adapter: timed });
  const totalMs = performance.now() - t0;
  const totalCpuMs = cpuMs(process.cpuUsage(c0));
  const helpersAfter = helperCpu();
  const t1 = performance.now();
  await writeReports(outcome.results!, mkdtempSync(join(os.tmpdir(), 'ktc-bench-rep-')));
  const reportingMs = performance.now() - t1;
  return {
    spent,
    cpu,
    totalCpuMs,
    esbuildCpuMs: 1000 * (helpersAfter.esbuild - helpersBefore.esbuild),
    sandboxCpuMs: 1000 * (helpersAfter.others - helpersBefore.others),
    totalMs,
    reportingMs,
    issued: counter.issued,
    verified: tokenStats.verified - verifiedBefore.verified,
    verifyMs: tokenStats.verifyMs - verifiedBefore.verifyMs,
    signed: signCounters.tokens - signedBefore.tokens,
    signMs: signCounters.ms - signedBefore.ms,
  };
}

async function rawJose(n: number) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' }] });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    tokens.push(await new SignJWT({ sub: `kp_${i}`, scp: ['openid'] }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuedAt().setExpirationTime('1h').sign(privateKey));
  }
  const t1 = performance.now();
  for (const t of tokens) await jwtVerify(t, jwks, { algorithms: ['RS256'] });
  const cpu = process.cpuUsage(c0);
  return { signMs: t1 - t0, verifyMs: performance.now() - t1, cpuS: (cpu.user + cpu.system) / 1e6 };
}

if (!existsSync(join(ROOT, 'dist/bin/cli.js'))) {
  console.error('bench: dist/ is missing; building it first (npm run build)');
  await new Promise((r) => spawn(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' }).on('close', r));
}
const s = (ms: number) => (ms / 1000).toFixed(1);
const scaling: CliRun[] = [];
for (const runs of values.quick ? [10, DEFAULT_RUNS] : [10, DEFAULT_RUNS, 300]) scaling.push(await cliRun(runs));
const main = scaling.find((r) => r.runs === DEFAULT_RUNS)!;
const ph = await phases(DEFAULT_RUNS);
const jose = await rawJose(Math.max(1, ph.issued));
const joseMs = jose.signMs + jose.verifyMs;
const adapterMs = Object.values(ph.spent).reduce((a, b) => a + b, 0);
const powerN = Number(values['power-sample'] ?? 60);
const power = await powerSample(ROOT, powerN, 1);
const powerLive = values.quick ? undefined : await powerSample(ROOT, powerN, 1, true);
const pct = (ms: number) => `${((100 * ms) / ph.totalMs).toFixed(0).padStart(3)} %`;
// What raw jose also does (signing, verifying) and everything else the one-thread run spends.
const sandboxMs = Math.max(0, ph.spent.issuance! - ph.signMs);
const judgingMs = Math.max(0, ph.totalMs - adapterMs - ph.verifyMs);
const beyondMs = ph.totalMs - ph.signMs - ph.verifyMs;
const share = (ms: number) => `${((100 * ms) / beyondMs).toFixed(0)} %`;

const lines = [
  `machine:            ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`,
  `run:                ${main.results.requirements.length} requirements, ${DEFAULT_RUNS} runs per check, seed ${seed}: ${main.results.summary.PASSED} passed, ${main.results.summary.FAILED + main.results.summary.ERRORED} failed/errored`,
  `suite wall time: ${s(main.wallMs)} s`,
  `first check after: ${s(main.firstCheckAfterMs)} s`,
  `first progress line after: ${s(main.firstLineAfterMs)} s`,
  `suite / raw jose: ${(main.wallMs / joseMs).toFixed(1)}×`,
  `suite CPU / raw jose CPU: ${(main.cpuS / jose.cpuS).toFixed(1)}× (${main.cpuS.toFixed(1)} s, process tree, against ${jose.cpuS.toFixed(1)} s)`,
  `peak RSS: ${(main.peakRss / 2 ** 20).toFixed(0)} MiB`,
  `raw jose, ${ph.issued} tokens: sign ${jose.signMs.toFixed(0)} ms + verify ${jose.verifyMs.toFixed(0)} ms = ${joseMs.toFixed(0)} ms (one core)`,
  '',
  'cost against --runs (command line, all cores):',
  ...scaling.map((r) => `  ${String(r.runs).padStart(4)} runs: ${s(r.wallMs).padStart(6)} s wall, CPU ${r.cpuS.toFixed(1)} s, first check after ${s(r.firstCheckAfterMs)} s, first progress line after ${s(r.firstLineAfterMs)} s, peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB`),
  '',
  `phases (in-process, one thread, ${DEFAULT_RUNS} runs: ${s(ph.totalMs)} s; ${ph.issued} tokens issued, ${ph.verified} signatures verified):`,
  `  provisioning            ${s(ph.spent.provision!).padStart(6)} s ${pct(ph.spent.provision!)}`,
  `  bundling (deploy)       ${s(ph.spent.deployWorkflow!).padStart(6)} s ${pct(ph.spent.deployWorkflow!)}`,
  `    of which: ${compileCounters.builds} workflow builds, esbuild ${s(compileCounters.esbuildMs)} s + reading settings in a fresh sandbox context ${s(compileCounters.settingsMs)} s`,
  `  issuance (sandbox+sign) ${s(ph.spent.issuance!).padStart(6)} s ${pct(ph.spent.issuance!)}`,
  `    RS256 signing          ${s(ph.signMs).padStart(6)} s ${pct(ph.signMs)}  (${ph.signed} tokens: what raw jose's signing does)`,
  `    workflow runs + rest   ${s(sandboxMs).padStart(6)} s ${pct(sandboxMs)}`,
  `    sandbox: ${sandboxCounters.requests} requests (settings + runs), ${s(sandboxCounters.ms)} s waited for, ${s(sandboxCounters.inSandboxMs)} s inside the sandbox processes`,
  `  jwks + other calls      ${s(ph.spent.jwks! + ph.spent.other!).padStart(6)} s ${pct(ph.spent.jwks! + ph.spent.other!)}`,
  `  signature verification  ${s(ph.verifyMs).padStart(6)} s ${pct(ph.verifyMs)}  (${ph.verified} signatures: what raw jose's verifying does)`,
  `  generation + judging    ${s(judgingMs).padStart(6)} s ${pct(judgingMs)}`,
  `  reporting               ${s(ph.reportingMs).padStart(6)} s`,
  `  CPU of the same run (steadier than wall time on a loaded machine): this process ${s(ph.totalCpuMs)} s ` +
    `(provisioning ${s(ph.cpu.provision!)}, bundling ${s(ph.cpu.deployWorkflow!)}, issuance ${s(ph.cpu.issuance!)}, other calls ${s(ph.cpu.jwks! + ph.cpu.other!)}, ` +
    `generation + judging ${s(ph.totalCpuMs - Object.values(ph.cpu).reduce((a, b) => a + b, 0))}), esbuild ${s(ph.esbuildCpuMs)} s, sandbox processes ${s(ph.sandboxCpuMs)} s; ` +
    `raw jose ${jose.cpuS.toFixed(1)} s`,
  `  beyond raw jose's work: ${s(beyondMs)} s of ${s(ph.totalMs)} s — bundling ${share(ph.spent.deployWorkflow!)}, workflow runs ${share(sandboxMs)}, ` +
    `generation + judging ${share(judgingMs)}, provisioning ${share(ph.spent.provision!)}, other calls ${share(ph.spent.jwks! + ph.spent.other!)}`,
  '',
  ...powerLines(power, powerLive),
];
console.log(lines.join('\n'));
process.exit(0);
