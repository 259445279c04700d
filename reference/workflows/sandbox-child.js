// @ts-nocheck — plain JavaScript on purpose: the entry point of a sandbox
// process, started with `node` alone (no tsx/vitest loaders, empty environment).
/**
 * One sandbox process. It answers the parent's requests on the IPC channel,
 * one at a time, with `sandbox-host.js`, and guards its own memory:
 *
 * - the JS heap by V8 (`--max-old-space-size`, set by the parent);
 * - everything else (ArrayBuffer and typed-array backing stores, which the heap
 *   limit does not cover, strings, native memory) and the run's time by a
 *   watchdog thread that reads this process's resident set and the run's
 *   elapsed time every few milliseconds and kills the process once one passes
 *   its limit, leaving a marker on stderr so the parent can name the cause.
 *   The watchdog is a thread because the main thread is busy with the
 *   workflow exactly when memory or time run out.
 *
 * argv[2] is the JSON configuration: { limits, maxRssBytes, watchIntervalMs }.
 * Every answer carries `rss`, so the parent can retire a process that stays big,
 * and `ms`, the time it took here (benchmarks tell sandbox time from transport).
 */
import { Worker } from 'node:worker_threads';
import { createHost } from './sandbox-host.js';

const config = JSON.parse(process.argv[2]);

// Sandbox promises that reject without a handler are the workflow's business.
process.on('unhandledRejection', () => {});
// The parent is gone (or closed the channel): nothing left to do.
process.on('disconnect', () => process.exit(0));

export const MEMORY_MARKER = 'KTC_SANDBOX_MEMORY_LIMIT';
export const TIME_MARKER = 'KTC_SANDBOX_TIME_LIMIT';

// [0]: the number of the run in progress (0: none), [1]: its time budget in ms. Written by this
// thread around each run; the watchdog wakes when [0] changes.
const shared = new Int32Array(new SharedArrayBuffer(8));

/**
 * The watchdog thread: while a run is in progress it looks every `watchIntervalMs` at the resident
 * set and at the run's elapsed time, and kills the process when either is over its limit (a vm
 * timeout would start a thread per run; this one thread serves every run). Idle, it looks rarely.
 */
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { shared, maxRssBytes, watchIntervalMs, markers } = workerData;
const state = new Int32Array(shared);
const kill = (line) => {
  try { writeSync(2, '\\n' + line + '\\n'); } catch {}
  process.kill(process.pid, 'SIGKILL');
};
let run = 0;
let started = 0;
for (;;) {
  const current = Atomics.load(state, 0);
  if (current !== run) {
    run = current;
    started = performance.now();
  }
  if (run !== 0 && performance.now() - started > Atomics.load(state, 1)) kill(markers.time + ' ' + Atomics.load(state, 1));
  const rss = process.memoryUsage.rss();
  if (rss > maxRssBytes) kill(markers.memory + ' ' + rss);
  Atomics.wait(state, 0, current, run === 0 ? 100 : watchIntervalMs);
}
`;
const watchdog = new Worker(WATCHDOG, {
  eval: true,
  workerData: {
    shared: shared.buffer,
    maxRssBytes: config.maxRssBytes,
    watchIntervalMs: config.watchIntervalMs,
    markers: { memory: MEMORY_MARKER, time: TIME_MARKER },
  },
  resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  env: {},
  stdout: true,
});
let runs = 0;
const host = createHost(config.limits, {
  started(timeoutMs) {
    Atomics.store(shared, 1, timeoutMs);
    Atomics.store(shared, 0, (runs = (runs % 0x7fffffff) + 1));
    Atomics.notify(shared, 0);
  },
  ended() {
    Atomics.store(shared, 0, 0);
    Atomics.notify(shared, 0);
  },
});

// A watchdog that cannot run means an unguarded sandbox: stop rather than serve.
let exiting = false;
process.on('exit', () => (exiting = true));
watchdog.on('error', () => exiting || process.exit(70));
watchdog.on('exit', () => exiting || process.exit(70));

// Requests wait until the watchdog runs: no workflow runs unguarded.
let pending = [];
watchdog.once('online', () => {
  const waiting = pending;
  pending = undefined;
  // Run deadlines start now, not at spawn (a process can take seconds to start on a loaded machine).
  process.send({ ready: true });
  for (const req of waiting) answer(req);
});
process.on('message', (req) => (pending ? pending.push(req) : answer(req)));

function answer(req) {
  const started = performance.now();
  let res;
  try {
    res = host.handle(req);
  } catch (e) {
    res = { id: req.id, status: 'threw', message: `sandbox failure: ${e && e.message}`, extra: '', writes: [], logs: [] };
  }
  res.rss = process.memoryUsage.rss();
  res.ms = performance.now() - started;
  process.send(res, () => {});
  // The next run's context, made while the parent is busy with this answer.
  setImmediate(host.prepare);
}
