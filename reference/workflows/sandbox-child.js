// @ts-nocheck — plain JavaScript on purpose: the entry point of a sandbox
// process, started with `node` alone (no tsx/vitest loaders, empty environment).
/**
 * One sandbox process. It answers the parent's requests on the IPC channel,
 * one at a time, with `sandbox-host.js`, and guards its own memory:
 *
 * - the JS heap by V8 (`--max-old-space-size`, set by the parent);
 * - everything else (ArrayBuffer and typed-array backing stores, which the heap
 *   limit does not cover, strings, native memory) by a watchdog thread that
 *   reads this process's resident set every few milliseconds and kills the
 *   process once it passes the limit, leaving a marker on stderr so the parent
 *   can name the cause. The watchdog is a thread because the main thread is
 *   busy with the workflow exactly when memory grows.
 *
 * argv[2] is the JSON configuration: { limits, maxRssBytes, watchIntervalMs }.
 * Every answer carries `rss`, so the parent can retire a process that stays big,
 * and `ms`, the time it took here (benchmarks tell sandbox time from transport).
 */
import { Worker } from 'node:worker_threads';
import { createHost } from './sandbox-host.js';

const config = JSON.parse(process.argv[2]);
const host = createHost(config.limits);

// Sandbox promises that reject without a handler are the workflow's business.
process.on('unhandledRejection', () => {});
// The parent is gone (or closed the channel): nothing left to do.
process.on('disconnect', () => process.exit(0));

export const MEMORY_MARKER = 'KTC_SANDBOX_MEMORY_LIMIT';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { maxRssBytes, watchIntervalMs, marker } = workerData;
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss <= maxRssBytes) return;
  try { writeSync(2, '\\n' + marker + ' ' + rss + '\\n'); } catch {}
  process.kill(process.pid, 'SIGKILL');
}, watchIntervalMs);
`;
const watchdog = new Worker(WATCHDOG, {
  eval: true,
  workerData: { maxRssBytes: config.maxRssBytes, watchIntervalMs: config.watchIntervalMs, marker: MEMORY_MARKER },
  resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  env: {},
  stdout: true,
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
