/**
 * The power line of `npm run bench`: a seeded sample of the mutation campaign
 * through the compiled command line (all cores), its throughput, the CPU time
 * of the whole process tree, and an estimate for the full campaign. The
 * sample takes families round robin, so the estimate weighs each family's
 * mean cost by its share of all generated operators.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { CampaignResults } from '../mutation/report.js';
import { allOperators } from '../mutation/operators.js';

const TICK = 100; // USER_HZ (clock ticks per second in /proc/*/stat) on Linux

/** CPU seconds so far of a process tree: live processes' own time plus what their exited children used. */
export function treeCpu(root: number): number {
  const children = new Map<number, number[]>();
  const stats = new Map<number, string[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(d), fields);
      const ppid = Number(fields[1]);
      (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(Number(d));
    } catch {
      /* gone */
    }
  }
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const f = stats.get(pid);
    // utime, stime, cutime, cstime: fields 14–17 of stat, 11–14 after the command name.
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks / TICK;
}

export interface PowerBench {
  sample: number;
  live: boolean;
  wallMs: number;
  controlMs: number;
  cpuS: number;
  results: CampaignResults;
}

export async function powerSample(root: string, sample: number, seed: number, live = false): Promise<PowerBench> {
  const dir = mkdtempSync(join(os.tmpdir(), 'ktc-bench-power-'));
  const args = [join(root, 'dist/bin/cli.js'), 'power', '--target=reference', `--sample=${sample}`, `--seed=${seed}`, '--runs=10', `--report-dir=${dir}`, ...(live ? ['--live'] : [])];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  let cpuS = 0;
  const sampler = setInterval(() => (cpuS = Math.max(cpuS, treeCpu(child.pid!))), 200);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(sampler);
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`power sample exited ${code}: see ${dir}`);
  const results = JSON.parse(readFileSync(join(dir, 'mutation-results.json'), 'utf8')) as CampaignResults;
  return { sample, live, wallMs, controlMs: results.controlMs ?? 0, cpuS, results };
}

/** The full campaign's wall time, from the sample's: the mutant phase scaled by each family's mean cost × its size. */
export function fullEstimateMs(b: PowerBench): number {
  const counts = new Map<string, number>();
  for (const op of allOperators()) counts.set(op.family, (counts.get(op.family) ?? 0) + 1);
  const spent = new Map<string, { ms: number; n: number }>();
  for (const m of b.results.mutants) {
    const s = spent.get(m.family) ?? { ms: 0, n: 0 };
    s.ms += m.durationMs;
    s.n += 1;
    spent.set(m.family, s);
  }
  let sampleMs = 0;
  let fullMs = 0;
  for (const [family, s] of spent) {
    sampleMs += s.ms;
    fullMs += (s.ms / s.n) * (counts.get(family) ?? s.n);
  }
  const mutantPhase = b.results.wallMs - b.controlMs;
  return b.controlMs + (sampleMs > 0 ? (mutantPhase * fullMs) / sampleMs : 0);
}

export function powerLines(rec: PowerBench, live: PowerBench | undefined): string[] {
  const min = (ms: number) => (ms / 60_000).toFixed(1);
  const perMin = (b: PowerBench) => (b.results.mutants.length / ((b.results.wallMs - b.controlMs) / 60_000)).toFixed(0);
  const total = allOperators().length;
  const est = fullEstimateMs(rec);
  const lines = [
    `power: ${perMin(rec)} mutants/min, full campaign estimate ${min(est)} min (${total} operators, seed 1, 10 runs, escalation kept)`,
    `  sample of ${rec.sample} (seed 1): ${(rec.wallMs / 1000).toFixed(1)} s wall (control + recording ${(rec.controlMs / 1000).toFixed(1)} s), CPU ${rec.cpuS.toFixed(1)} s (user+sys, process tree); ` +
      `${rec.results.mutants.filter((m) => m.path === 'recorded').length} judged over the recording, ${rec.results.mutants.filter((m) => m.path !== 'recorded').length} live`,
  ];
  if (live) {
    lines.push(
      `  same sample, every mutant live (--live): ${(live.wallMs / 1000).toFixed(1)} s wall, CPU ${live.cpuS.toFixed(1)} s, ${perMin(live)} mutants/min; ` +
        `recorded / live: wall ${(rec.wallMs / live.wallMs).toFixed(2)}, CPU ${(rec.cpuS / live.cpuS).toFixed(2)}`,
    );
    const same = rec.results.mutants.every((m, i) => m.status === live.results.mutants[i]?.status && m.detection?.requirement === live.results.mutants[i]?.detection?.requirement);
    lines.push(`  same kills, same requirements on both paths: ${same ? 'yes' : 'NO'}`);
  }
  return lines;
}
