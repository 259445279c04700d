/**
 * The wall-time bars of the hostile-target rows (hardening/run.ts), each
 * derived from what it bounds, measured on this machine at this moment —
 * never a number of seconds a loaded machine breaks:
 *
 * - the fixed cost F of a run: the command line against a faithful target
 *   (`serve` behind the identity proxy), two quick checks so that both kinds
 *   of lane start (this thread and a worker), one run each, reports written.
 *   Measured right before and right after each row; the bar takes the larger
 *   (the load may rise during a row).
 * - the cost P of a fresh handshake (what the health rule's probe does, and
 *   what each check's own session start costs), timed from here against the
 *   same faithful target together with F.
 * - the per-call timeout T (--timeout) and how many of them the health rule
 *   lets a lane wait (runner/health.ts): a stall at the start costs one
 *   timeout; a stall on one call while the handshake answers costs
 *   ⌈N / lanes⌉ timeouts per lane, N = consecutiveLimit(lanes); each such
 *   round also holds a fresh probe and the healthy part of the check before
 *   its call stalls (a key rotation, provisioning: at most the slowest check
 *   of the control, in units of F, times F now; 2·P without a control). Each
 *   kind gets one round more for the call in flight when the verdict falls
 *   (a lane that started late).
 * - a count that no machine speed decides: a stalled call ends at most
 *   N + lanes − 1 checks on a timeout (N by the rule, one in flight on each
 *   other lane); the rest are not attempted.
 *
 * Per row: `start` (nothing answers, or the handshake is refused: broken at
 * once, no probe) F + (1+1)·T; `call` (one call hangs) F + (⌈N/lanes⌉+1)·(T + round);
 * `death` (the target exits mid-run) the moment it died + F + (1+1)·T (the
 * checks before it are a healthy run's; after it, calls are refused at once);
 * a target that answers wrongly runs the suite like the control does: the
 * control's wall in units of F (measured around the control) times F now,
 * plus what a stalled call may cost.
 */
import { defaultConcurrency } from '../runner/run.js';
import { consecutiveLimit } from '../runner/health.js';
import { loadTarget } from '../targets/load.js';
import { measure } from './measure.js';

/** What a row's wall time is made of (hardening/cases.ts). */
export type Stall = 'start' | 'call' | 'death' | 'answers';

/** Requirements of two quick checks of different areas: the fixed-cost run starts two lanes. */
const QUICK = ['JWKS-BOTH-PATHS', 'DISC-REQUIRED-MEMBERS'];

export interface FixedCost {
  wallMs: number;
  exitCode: number | null;
  /** P: a fresh handshake (adapter started and stopped: handshake, session opened and closed). */
  probeMs: number;
}

/** One fixed-cost run of the command line against `url` (a faithful target; exit 0 expected), and one fresh handshake. */
export async function fixedCost(root: string, url: string, timeoutMs: number, reportDir: string): Promise<FixedCost> {
  const args = ['--import', 'tsx', 'bin/cli.ts', 'run', '--target=http', `--target-url=${url}`, '--runs=1', `--timeout=${timeoutMs}`, `--report-dir=${reportDir}`, '--seed=1', `--only=${QUICK.join(',')}`];
  const m = await measure(process.execPath, args, { cwd: root, limitMs: 600_000, env: { ...process.env, NO_COLOR: '1' } });
  const t0 = performance.now();
  const adapter = await loadTarget('http', { targetUrl: url, timeoutMs });
  try {
    await adapter.start();
  } finally {
    await adapter.stop().catch(() => {});
  }
  return { wallMs: m.wallMs, exitCode: m.exitCode, probeMs: performance.now() - t0 };
}

/** Lanes of a run on this machine (the command line's default) and the timeouts per lane each kind of stall may cost. */
export function timeoutsPerLane(stall: Stall): { lanes: number; n: number; timeouts: number; probes: boolean } {
  const lanes = defaultConcurrency();
  const n = consecutiveLimit(lanes);
  const perCall = Math.ceil(n / lanes);
  const timeouts = stall === 'call' || stall === 'answers' ? perCall + 1 : 1 + 1;
  return { lanes, n, timeouts, probes: stall === 'call' || stall === 'answers' };
}

export interface ControlPace {
  wallMs: number;
  fixedMs: number;
  slowestCheckMs: number;
}

export interface BarInput {
  stall: Stall;
  timeoutMs: number;
  /** F around this row (the larger of before and after). */
  fixedMs: number;
  /** P around this row (the larger of before and after). */
  probeMs: number;
  /** `death`: ms from the command's start to the target's exit (undefined: it never died). */
  diedAtMs?: number;
  /** The control's wall, F around it, and its slowest check. */
  control?: ControlPace;
}

/** The most checks a stalled call may end on a timeout (the rest are not attempted). */
export function timedOutChecksLimit(): number {
  const { lanes, n } = timeoutsPerLane('call');
  return n + lanes - 1;
}

/** Checks of a results file that ended on a timeout themselves (not "not attempted" after the target was found broken). */
export function timedOutChecks(requirements: ReadonlyArray<{ reason?: string; tests?: string[] }>): number {
  const checks = new Set<string>();
  for (const r of requirements) {
    if (r.reason?.startsWith('ERR_TARGET_TIMEOUT:') && !r.reason.includes('not attempted')) checks.add(r.tests?.[0] ?? r.reason);
  }
  return checks.size;
}

export interface Bar {
  ms: number;
  /** How it was made, for the table: `F 9.1 + 3×T 5.0 = 24.1 s`. */
  how: string;
}

const s = (ms: number) => (ms / 1000).toFixed(1);

export function wallBar(b: BarInput): Bar {
  const { timeouts, probes } = timeoutsPerLane(b.stall);
  const scale = b.control ? Math.max(1, b.fixedMs / b.control.fixedMs) : 1;
  const healthy = b.control ? Math.max(2 * b.probeMs, b.control.slowestCheckMs * scale) : 2 * b.probeMs;
  const waits = timeouts * (b.timeoutMs + (probes ? healthy : 0));
  const round = !probes ? `T ${s(b.timeoutMs)}` : b.control ? `(T ${s(b.timeoutMs)} + check ${s(healthy)})` : `(T ${s(b.timeoutMs)} + 2×P ${s(b.probeMs)})`;
  const tail = `F ${s(b.fixedMs)} + ${timeouts}×${round}`;
  if (b.stall === 'death') {
    // Never died: the row fails on its exit code; the bar is then that of a target that answers.
    const at = b.diedAtMs ?? 0;
    return { ms: at + b.fixedMs + waits, how: `died at ${s(at)} + ${tail} = ${s(at + b.fixedMs + waits)} s` };
  }
  if (b.stall === 'answers') {
    if (!b.control) return { ms: b.fixedMs + waits, how: `${tail} = ${s(b.fixedMs + waits)} s (no control measured)` };
    const units = b.control.wallMs / b.control.fixedMs;
    const pace = Math.max(b.control.wallMs, units * b.fixedMs);
    return { ms: pace + waits, how: `control ${units.toFixed(1)}×F ${s(b.fixedMs)} + ${timeouts}×${round} = ${s(pace + waits)} s` };
  }
  return { ms: b.fixedMs + waits, how: `${tail} = ${s(b.fixedMs + waits)} s` };
}
