/**
 * Client of the workflow sandbox: every request runs in a fresh `node:vm`
 * context inside a sandbox PROCESS of a small pool (`pool.ts`,
 * `sandbox-child.js`), so a workflow that exhausts memory ends that process,
 * never the caller, and the caller's event loop keeps running meanwhile.
 *
 * Limits per run: the time budget and the resident memory of the sandbox
 * process, which covers ArrayBuffers and typed arrays as well
 * (`SANDBOX_MEMORY_MB`), both enforced by the process's watchdog thread (it
 * ends the process; the parent also kills one that does not answer `graceMs`
 * after the budget), V8's heap limit as a backstop (`SANDBOX_HEAP_MB`), and the
 * write/log bounds of {@link SANDBOX_LIMITS}.
 */

import { availableParallelism } from 'node:os';
import { SandboxPool, type PoolOptions, type PoolStats } from './pool.js';

/** Bounds enforced inside the sandbox (and re-checked by the host). */
export const SANDBOX_LIMITS = Object.freeze({
  /** Characters of JSON for a single claim value (1 MiB). Bigger: RangeError in the sandbox. */
  maxClaimChars: 1_048_576,
  /** Claim writes per run. */
  maxWrites: 10_000,
  /** Characters of names + JSON values over all writes of a run (8 MiB). */
  maxWriteChars: 8_388_608,
  /** Characters per console line, lines per run, characters per run. */
  maxLogChars: 4_096,
  maxLogs: 200,
  maxLogTotalChars: 65_536,
  /** Characters of an error message reported back. */
  maxMessageChars: 2_000,
  /** kinde.fetch / kinde.secureFetch requests per run; one more is a RangeError in the sandbox. */
  maxFetches: 100,
  /** Characters of a requested URL kept (matched and recorded). */
  maxFetchUrlChars: 4_096,
});

/**
 * Resident memory of a sandbox process: heap, ArrayBuffer/typed-array memory,
 * strings, native memory. A watchdog thread enforces it within milliseconds.
 */
export const SANDBOX_MEMORY_MB = 256;
/**
 * V8's own heap limit of a sandbox process: a backstop above the memory limit,
 * so a heap that grows is stopped by the watchdog first (V8 spends seconds in
 * last-resort collections before it gives up at its own limit).
 */
export const SANDBOX_HEAP_MB = 384;

/** The pool's settings; `configureSandbox` changes them (tests, `serve`). */
export const SANDBOX_POOL_DEFAULTS: Readonly<Omit<PoolOptions, 'limits'>> = Object.freeze({
  /** Sandbox processes at most: one per core, at least 2 so one environment cannot hold them all. */
  size: Math.max(2, Math.min(4, availableParallelism())),
  /** Runs in flight per owner (an issuer, i.e. one `serve` session). */
  perOwner: 1,
  queuePerOwner: 64,
  heapMb: SANDBOX_HEAP_MB,
  memoryMb: SANDBOX_MEMORY_MB,
  /** A process that answers above this is replaced, so the next run has the whole headroom. */
  recycleMb: 160,
  watchIntervalMs: 5,
  graceMs: 2_000,
  idleMs: 30_000,
});

export type { SandboxMode, SandboxRequest, SandboxResponse } from './sandbox-protocol.js';
import type { SandboxRequest, SandboxResponse } from './sandbox-protocol.js';

/** Counters for benchmarks: requests, time from request to answer, and of that the time inside sandbox processes. */
export const sandboxCounters = { requests: 0, ms: 0, inSandboxMs: 0 };

let pool: SandboxPool | undefined;
let settings: Omit<PoolOptions, 'limits'> = { ...SANDBOX_POOL_DEFAULTS };

const DEFAULT_OWNER = Symbol('default sandbox owner');

/**
 * Runs one request in the pool. `owner` is the fairness key (one environment):
 * requests of one owner run one at a time, and owners take turns.
 */
export async function callSandbox(req: SandboxRequest, owner: unknown = DEFAULT_OWNER): Promise<SandboxResponse> {
  pool ??= new SandboxPool({ ...settings, limits: SANDBOX_LIMITS });
  const p = pool;
  const started = performance.now();
  const before = p.inSandboxMs;
  const res = await p.run(req, owner);
  sandboxCounters.requests += 1;
  sandboxCounters.ms += performance.now() - started;
  sandboxCounters.inSandboxMs += p.inSandboxMs - before;
  return res;
}

/** Changes pool settings; the running pool (if any) is closed first. */
export async function configureSandbox(changes: Partial<Omit<PoolOptions, 'limits'>>): Promise<void> {
  await closeSandbox();
  settings = { ...settings, ...changes };
}

export function sandboxStats(): PoolStats {
  return pool?.stats() ?? { processes: 0, busy: 0, queued: 0, started: 0, killed: 0 };
}

/** Stops every sandbox process (new ones start on the next call). For tidy shutdowns and tests. */
export async function closeSandbox(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}
