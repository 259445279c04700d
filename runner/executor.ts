/**
 * Where checks execute: inline (this thread, one at a time: a given adapter
 * object, or a target that must not be used concurrently) or in worker
 * threads (one environment per worker, checks spread over the cores). Both
 * answer `run(name)` with the check's {@link ConformanceMeta}.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Adapter } from '../adapters/types.js';
import type { VerifierAdapter } from '../adapters/verifier-types.js';
import type { CheckEnv } from '../suites/lib/check.js';
import { executeCheck, notAttempted, startEnvironment, stopEnvironment, type ConformanceMeta } from './execute.js';
import type { ConformanceOptions } from './options.js';
import { findPlanned, planChecks, type PlannedCheck, type Shard } from './plan.js';

export interface Executor {
  run(name: string, onStart: () => void): Promise<ConformanceMeta>;
  /** Stop every environment; `abort` ends in-flight work at once. */
  close(abort?: boolean): Promise<void>;
}

/** Runs a check; an error no check should throw still ends as ERRORED, never as a crash or a hang. */
export async function runOne(planned: PlannedCheck, env: () => Promise<CheckEnv>, options: ConformanceOptions): Promise<ConformanceMeta> {
  let e: CheckEnv;
  try {
    e = await env();
  } catch (err) {
    return notAttempted(planned.area, planned.check, options, (err as Error).message);
  }
  try {
    return await executeCheck(planned.area, planned.check, e, options);
  } catch (err) {
    return notAttempted(planned.area, planned.check, options, `internal error in check "${planned.check.name}": ${(err as Error).stack ?? err}`);
  }
}

export interface GivenAdapters {
  adapter?: Adapter;
  verifier?: VerifierAdapter;
}

export function inlineExecutor(options: ConformanceOptions, plan: readonly PlannedCheck[], given: GivenAdapters = {}): Executor {
  let started: Promise<CheckEnv> | undefined;
  const env = () => (started ??= startEnvironment(options, given));
  return {
    async run(name, onStart) {
      onStart();
      return runOne(findPlanned(plan, name), env, options);
    },
    async close() {
      if (started) await stopEnvironment(await started.catch(() => undefined));
    },
  };
}

export interface WorkerInit {
  options: ConformanceOptions;
  shard?: Shard;
}

type FromWorker = { type: 'started'; name: string } | { type: 'done'; name: string; meta: ConformanceMeta } | { type: 'closed' };

function workerEntry(): { url: URL; execArgv: string[] } {
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  // From the TypeScript sources (the clone): the worker registers tsx's loader itself.
  return { url: new URL('./worker-tsx.mjs', import.meta.url), execArgv: [] };
}

/**
 * `size` workers, each with its own environment; a check goes to the first
 * idle one. A worker that dies (a crash, an out-of-memory target) fails the
 * check it was running and is replaced by a fresh one.
 */
export function workerExecutor(init: WorkerInit, size: number): Executor {
  const entry = workerEntry();
  interface Busy {
    resolve: (m: ConformanceMeta) => void;
    reject: (e: Error) => void;
    onStart: () => void;
  }
  interface Slot {
    worker: Worker;
    busy?: Busy;
    closed?: () => void;
  }
  const idle: Slot[] = [];
  const waiting: Array<(s: Slot) => void> = [];
  const slots = new Set<Slot>();
  let closing = false;
  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (next) next(slot);
    else idle.push(slot);
  };
  const spawn = (): Slot => {
    const worker = new Worker(entry.url, { workerData: init, execArgv: entry.execArgv });
    const slot: Slot = { worker };
    slots.add(slot);
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'started') slot.busy?.onStart();
      else if (msg.type === 'done' && slot.busy) {
        const { resolve } = slot.busy;
        slot.busy = undefined;
        resolve(msg.meta);
        release(slot);
      } else if (msg.type === 'closed') slot.closed?.();
    });
    let dead = false;
    const die = (e: Error) => {
      if (dead) return;
      dead = true;
      slots.delete(slot);
      const busy = slot.busy;
      slot.busy = undefined;
      slot.closed?.();
      busy?.reject(e);
      if (!closing) {
        void worker.terminate();
        const i = idle.indexOf(slot);
        if (i >= 0) idle.splice(i, 1);
        release(spawn());
      }
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`check worker exited with code ${code}`)));
    return slot;
  };
  for (let i = 0; i < size; i++) idle.push(spawn());
  const acquire = () =>
    new Promise<Slot>((res) => {
      const s = idle.shift();
      if (s) res(s);
      else waiting.push(res);
    });
  return {
    async run(name, onStart) {
      const slot = await acquire();
      return new Promise<ConformanceMeta>((resolve, reject) => {
        slot.busy = { resolve, reject, onStart };
        slot.worker.postMessage({ type: 'run', name });
      });
    },
    async close(abort = false) {
      if (closing) return;
      closing = true;
      await Promise.all(
        [...slots].map(async (slot) => {
          if (!abort) {
            await new Promise<void>((res) => {
              slot.closed = res;
              slot.worker.postMessage({ type: 'close' });
            });
          }
          await slot.worker.terminate();
        }),
      );
    },
  };
}

/** The checks a worker can run: the same plan the main thread made. */
export function workerPlan(init: WorkerInit): PlannedCheck[] {
  return planChecks({ verifier: init.options.verifier, only: init.options.only, shard: init.shard });
}
