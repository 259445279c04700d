/**
 * A campaign's mutants judged on every core: worker threads, each with the
 * control's recording, its own substitute keys and its own target built from
 * the registry by name, judging the operators the main thread hands out one
 * (or a few) at a time. The verdict of a mutant does not depend on which
 * thread judged it: the same seed, runs, recording and operator give the same
 * requests and answers anywhere (what mutation/recording.ts relies on).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TargetOptions } from '../targets/registry.js';
import type { CampaignOptions, MutantResult, WorkerSpec } from './campaign-types.js';
export type { WorkerSpec } from './campaign-types.js';
import type { Recording, RecordingData } from './recording.js';


export interface PowerWorkerInit {
  recording?: RecordingData;
  target: string;
  targetOptions: TargetOptions;
  seed: number;
  runs: number;
  escalateRuns?: number;
  recorded: boolean;
  concurrency: number;
}

export type ToPowerWorker = { type: 'judge'; index: number; id: string } | { type: 'close' };
export type FromPowerWorker = { type: 'result'; index: number; result: MutantResult } | { type: 'failed'; index: number; message: string };

function workerEntry(): URL {
  const js = new URL('./worker.js', import.meta.url);
  // From the TypeScript sources (the clone): the worker registers tsx's loader itself.
  return existsSync(fileURLToPath(js)) ? js : new URL('./worker-tsx.mjs', import.meta.url);
}

export async function runMutantsInWorkers(o: CampaignOptions, recording: Recording | undefined, spec: WorkerSpec): Promise<MutantResult[]> {
  if (o.checks) throw new Error('power workers run the built-in checks only: leave `checks` unset or `workers` off');
  const count = Math.max(1, Math.min(spec.count, o.operators.length));
  const perWorker = Math.max(1, Math.ceil(o.concurrency / count));
  const init: PowerWorkerInit = {
    ...(recording && o.recorded !== false ? { recording: recording.toData() } : {}),
    target: spec.target,
    targetOptions: spec.targetOptions,
    seed: o.seed,
    runs: o.runs,
    ...(o.escalateRuns !== undefined ? { escalateRuns: o.escalateRuns } : {}),
    recorded: o.recorded !== false,
    concurrency: perWorker,
  };
  const results: MutantResult[] = new Array(o.operators.length);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      if (o.operators.length === 0) return resolve();
      const hand = (w: Worker) => {
        if (next >= o.operators.length) return false;
        const index = next++;
        w.postMessage({ type: 'judge', index, id: o.operators[index]!.id } satisfies ToPowerWorker);
        return true;
      };
      for (let k = 0; k < count; k++) {
        const w = new Worker(workerEntry(), { workerData: init });
        workers.push(w);
        w.on('message', (msg: FromPowerWorker) => {
          if (msg.type === 'failed') return reject(new Error(`power worker: mutant ${o.operators[msg.index]?.id}: ${msg.message}`));
          results[msg.index] = msg.result;
          done += 1;
          o.onResult?.(msg.result, done, o.operators.length);
          if (done === o.operators.length) resolve();
          else hand(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (done < o.operators.length) reject(new Error(`power worker exited (${code}) with ${o.operators.length - done} mutants to judge`));
        });
        for (let j = 0; j < perWorker; j++) hand(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
