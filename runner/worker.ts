/**
 * A check worker: one environment (target, verifier) of its own, started on
 * the first check, running the checks the main thread sends one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEnvironment, stopEnvironment } from './execute.js';
import type { CheckEnv } from '../suites/lib/check.js';
import { findPlanned } from './plan.js';
import { runOne, workerPlan, type WorkerInit } from './executor.js';

const init = workerData as WorkerInit;
const plan = workerPlan(init);
const { options } = init;
let started: Promise<CheckEnv> | undefined;
const port = parentPort!;

port.on('message', async (msg: { type: 'run'; name: string } | { type: 'close' }) => {
  if (msg.type === 'close') {
    if (started) await stopEnvironment(await started.catch(() => undefined));
    port.postMessage({ type: 'closed' });
    return;
  }
  port.postMessage({ type: 'started', name: msg.name });
  const meta = await runOne(findPlanned(plan, msg.name), () => (started ??= startEnvironment(options)), options);
  port.postMessage({ type: 'done', name: msg.name, meta });
});
