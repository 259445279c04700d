/**
 * A power worker thread (mutation/pool.ts): judges the operators the main
 * thread sends, over the control's recording or against its own target.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAdapter } from '../targets/registry.js';
import { judgeOperator, type CampaignOptions } from './campaign.js';
import { loadLedger } from './ledger.js';
import { allOperators } from './operators.js';
import type { FromPowerWorker, PowerWorkerInit, ToPowerWorker } from './pool.js';
import { Recording } from './recording.js';

const init = workerData as PowerWorkerInit;
const recording = init.recording ? Recording.fromData(init.recording) : undefined;
const byId = new Map(allOperators().map((op) => [op.id, op]));
const options: CampaignOptions = {
  createTarget: () => createAdapter(init.target, init.targetOptions),
  operators: [],
  ledger: loadLedger(),
  seed: init.seed,
  runs: init.runs,
  ...(init.escalateRuns !== undefined ? { escalateRuns: init.escalateRuns } : {}),
  concurrency: init.concurrency,
  recorded: init.recorded,
};
const port = parentPort!;

port.on('message', async (msg: ToPowerWorker) => {
  if (msg.type === 'close') return;
  const op = byId.get(msg.id);
  try {
    if (!op) throw new Error(`no operator ${msg.id} in this worker`);
    const result = await judgeOperator(op, options, recording);
    port.postMessage({ type: 'result', index: msg.index, result } satisfies FromPowerWorker);
  } catch (e) {
    port.postMessage({ type: 'failed', index: msg.index, message: (e as Error).stack ?? String(e) } satisfies FromPowerWorker);
  }
});
