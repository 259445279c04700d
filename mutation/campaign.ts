/**
 * A mutation campaign: the unmutated target and the wrapped identity must
 * pass every issuer check first (the control); then each operator wraps a
 * fresh instance of the target and the checks run until one requirement
 * fails (killed). Survivors the ledger does not explain get a second chance
 * with more runs (escalation) before they count as unexplained; a mutant that
 * changed nothing (unexercised) does not.
 */
import type { Adapter } from '../adapters/types.js';
import { MutantAdapter } from './adapter.js';
import { campaignKeys } from './jws.js';
import type { Ledger } from './ledger.js';
import { IDENTITY } from './operators.js';
import { Recording, RecordingAdapter, ReplayAdapter, replayable } from './recording.js';
import { runSuite, type Detection } from './run-suite.js';
import { runMutantsInWorkers } from './pool.js';
import type { CampaignOptions, MutantResult } from './campaign-types.js';
export type { CampaignOptions, MutantResult, MutantStatus, WorkerSpec } from './campaign-types.js';
import type { Operator } from './types.js';



export interface ControlResult {
  passed: boolean;
  /** What failed on the unmutated target, or on the wrapped identity. */
  failures: Array<Detection & { where: 'target' | 'wrapped' }>;
  requirementsPassed: number;
}


export interface CampaignOutcome {
  control: ControlResult;
  /** The control's exchanges with the target, replayed under replayable operators. */
  recording?: Recording;
  mutants: MutantResult[];
  wallMs: number;
  /** Of wallMs, the control (and the recording made with it). */
  controlMs?: number;
}

async function withTarget<T>(createTarget: () => Adapter, op: Operator | undefined, f: (a: Adapter) => Promise<T>): Promise<T> {
  const inner = createTarget();
  const adapter = op ? new MutantAdapter(inner, op, await campaignKeys()) : inner;
  try {
    return await f(adapter);
  } finally {
    await adapter.stop().catch(() => {});
  }
}

export async function runControl(o: Pick<CampaignOptions, 'createTarget' | 'seed' | 'runs' | 'checks'>, record = false): Promise<ControlResult & { recording?: Recording }> {
  const recording = record ? new Recording(o.seed, o.runs) : undefined;
  // The two runs are independent (each its own target): together, one waits on its target while the other computes.
  const runs = await Promise.all(
    (['target', 'wrapped'] as const).map(async (where) => {
      const op = where === 'wrapped' ? IDENTITY : undefined;
      // The wrapped control is the recording: the exchanges a mutant that changes nothing has with the target.
      const recorder = op && recording ? new RecordingAdapter(o.createTarget(), recording) : undefined;
      const create = recorder ? () => recorder : o.createTarget;
      const run = await withTarget(create, op, async (a) =>
        runSuite(a, await a.start(), { seed: o.seed, runs: o.runs, all: true, ...(o.checks ? { checks: o.checks } : {}), ...(recorder ? { checkBoundary: recorder } : {}) }),
      );
      return { where, run };
    }),
  );
  const failures: ControlResult['failures'] = runs.flatMap(({ where, run }) => run.detections.map((d) => ({ ...d, where })));
  const requirementsPassed = Math.max(...runs.map(({ run }) => run.passed.length));
  return { passed: failures.length === 0, failures, requirementsPassed, ...(recording ? { recording } : {}) };
}

type Decided = Omit<MutantResult, 'status' | 'ledgered'>;

async function runMutant(op: Operator, o: CampaignOptions, runs: number, recording?: Recording): Promise<Decided> {
  const started = performance.now();
  const once = (replay: ReplayAdapter | undefined) =>
    withTarget(replay ? () => replay : o.createTarget, op, async (a) => {
      const run = await runSuite(a, await a.start(), { seed: o.seed, runs, ...(o.checks ? { checks: o.checks } : {}), ...(replay ? { checkBoundary: replay } : {}) });
      return { run, applied: (a as MutantAdapter).applied };
    });
  const useRecording = recording !== undefined && recording.runs === runs && recording.seed === o.seed && replayable(op);
  let path: 'recorded' | 'live' = 'live';
  let decided: Awaited<ReturnType<typeof once>> | undefined;
  if (useRecording) {
    const replay = new ReplayAdapter(recording);
    decided = await once(replay);
    // A request the recording does not hold: what the live target answers is unknown, so ask it.
    if (replay.diverged !== undefined) decided = undefined;
    else path = 'recorded';
  }
  decided ??= await once(undefined);
  return {
    id: op.id,
    family: op.family,
    target: op.target,
    area: op.area,
    description: op.description,
    ...(decided.run.detection ? { detection: decided.run.detection } : {}),
    applied: decided.applied,
    runs,
    path,
    durationMs: Math.round(performance.now() - started),
  };
}

function decide(r: Decided, ledger: Ledger): MutantResult {
  const entry = ledger.explain(r.id);
  const ledgered = entry ? { ledgered: { why: entry.why, ...(entry.docUrl ? { docUrl: entry.docUrl, quote: entry.quote! } : {}), ...(entry.rfc ? { rfc: entry.rfc } : {}) } } : {};
  if (r.detection) return { ...r, status: r.detection.verdict === 'ERRORED' ? 'errored' : 'killed', ...ledgered };
  if (entry) return { ...r, status: 'equivalent', ...ledgered };
  return { ...r, status: r.applied === 0 ? 'unexercised' : 'survived' };
}

/** One operator's verdict: its run, and for an unexplained survivor the second chance with more runs. */
export async function judgeOperator(op: Operator, o: CampaignOptions, recording?: Recording): Promise<MutantResult> {
  const escalate = o.escalateRuns ?? o.runs * 5;
  const r = decide(await runMutant(op, o, o.runs, recording), o.ledger);
  // Only a survivor that changed something gets more runs: an operator that found nothing to change
  // (a claim this target never issues) is reported unexercised at the base run count.
  if (r.status !== 'survived' || escalate <= o.runs) return r;
  const again = decide(await runMutant(op, o, escalate, recording), o.ledger);
  return again.status === 'killed' || again.status === 'errored' ? { ...again, escalated: true } : again;
}

export async function runMutants(o: CampaignOptions, recording?: Recording): Promise<MutantResult[]> {
  if (o.workers && o.workers.count > 0 && o.operators.length > 1) return runMutantsInWorkers(o, recording, o.workers);
  const results: MutantResult[] = new Array(o.operators.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < o.operators.length) {
      const i = next++;
      const r = await judgeOperator(o.operators[i]!, o, recording);
      results[i] = r;
      done += 1;
      o.onResult?.(r, done, o.operators.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, o.operators.length)) }, worker));
  return results;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignOutcome> {
  const started = performance.now();
  const { recording, ...control } = await runControl(o, o.recorded !== false);
  const controlMs = Math.round(performance.now() - started);
  if (!control.passed) return { control, mutants: [], wallMs: controlMs, controlMs };
  const mutants = await runMutants(o, recording);
  return { control, ...(recording ? { recording } : {}), mutants, wallMs: Math.round(performance.now() - started), controlMs };
}
