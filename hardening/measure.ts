/**
 * Running a child process under measurement: wall time, exit code, its
 * output (kept up to a cap), and peak memory of the process tree it starts
 * (the CLI forks vitest workers): the largest peak RSS of any one process
 * (VmHWM, what `/usr/bin/time` reports) and the largest sum of RSS over the
 * tree, sampled from /proc. Every run has a hard time limit.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Measured {
  exitCode: number | null;
  signal: string | null;
  wallMs: number;
  /** performance.now() when the child was spawned (to place other events, e.g. a target's exit, in its run). */
  startedAt: number;
  /** Largest VmHWM of any process of the tree, bytes. */
  peakProcessBytes: number;
  /** Largest sampled sum of VmRSS over the tree, bytes. */
  peakTreeBytes: number;
  output: string;
  /** The limit was hit and the tree was killed. */
  killed: boolean;
  /** `opts.signal` was sent (its output had appeared). */
  signalled?: boolean;
}

/** A signal sent to the child (not its group) once its output matches `after`: waits for the output, never a fixed time. */
export interface SignalWhen {
  send: NodeJS.Signals;
  after: RegExp;
}

const OUTPUT_CAP = 8 * 1024 * 1024;

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // gone
  }
  return out;
}

function tree(root: number): number[] {
  const all: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop()!;
    all.push(p);
    todo.push(...children(p));
  }
  return all;
}

export function measure(command: string, args: string[], opts: { cwd: string; limitMs: number; env?: NodeJS.ProcessEnv; signal?: SignalWhen }): Promise<Measured> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let signalled = false;
    const take = (b: Buffer) => {
      if (output.length < OUTPUT_CAP) output += b.toString('utf8');
      if (opts.signal && !signalled && opts.signal.after.test(output)) {
        signalled = true;
        child.kill(opts.signal.send);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let peakProcess = 0;
    let peakTree = 0;
    const hwm = new Map<number, number>();
    const sample = () => {
      if (child.pid === undefined) return;
      let sum = 0;
      for (const p of tree(child.pid)) {
        sum += statusKb(p, 'VmRSS');
        hwm.set(p, Math.max(hwm.get(p) ?? 0, statusKb(p, 'VmHWM')));
      }
      peakTree = Math.max(peakTree, sum);
      peakProcess = Math.max(peakProcess, ...hwm.values());
    };
    const timer = setInterval(sample, 100);
    let killed = false;
    const limit = setTimeout(() => {
      killed = true;
      // The child was started in its own process group: end it and everything it started.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, opts.limitMs);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      clearTimeout(limit);
      resolve({
        exitCode: code,
        signal,
        wallMs: performance.now() - started,
        startedAt: started,
        peakProcessBytes: peakProcess * 1024,
        peakTreeBytes: peakTree * 1024,
        output,
        killed,
        signalled,
      });
    });
  });
}
