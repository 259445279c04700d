/**
 * The one place check-workflow runs code in the reference sandbox. It goes
 * through the runtime's public `runWorkflow` with check-workflow's own
 * instrumented bundle as the code (so stack frames line up with its source
 * map). If `runWorkflow` becomes async, the `await` below already copes.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../adapters/types.js';
import {
  runWorkflow,
  type CompiledWorkflow,
  type RunResult,
  type TokenBinding,
  type WorkflowSettingsInfo,
} from '../reference/workflows/index.js';
import { parseFrames, SETTINGS_MODE_KEY, splitLogs, type ShimRecord, type SplitLogs } from './shim.js';
import type { PositionMap, MappedPosition } from './sourcemap.js';

export interface CheckedRun {
  result: RunResult;
  records: ShimRecord[];
  /** The workflow's own console lines (`level: text`). */
  logs: string[];
  truncated: boolean;
}

export class CheckedWorkflow {
  readonly #code: string;
  readonly #map: PositionMap;
  readonly #hash: string;

  constructor(code: string, map: PositionMap) {
    this.#code = code;
    this.#map = map;
    this.#hash = createHash('sha256').update('kinde-token-conformance check-workflow\u0000').update(code).digest('hex');
  }

  /** The checked copy as source for the reference issuer (it bundles it once more; same behaviour). */
  get source(): string {
    return this.#code;
  }

  #compiled(settings: WorkflowSettingsInfo): CompiledWorkflow {
    return { hash: this.#hash, settings, code: this.#code };
  }

  async run(
    settings: WorkflowSettingsInfo,
    event: JsonObject,
    tokens: Partial<Record<TokenBinding, JsonObject>>,
    timeoutMs: number,
  ): Promise<CheckedRun> {
    const result = await runWorkflow(this.#compiled(settings), { event, tokens, timeoutMs });
    const split: SplitLogs = splitLogs(result.logs);
    return { result, ...split };
  }

  /** Evaluates the module and reports its exports (settings as JSON text, typeof default). */
  async exports(timeoutMs: number): Promise<{ record?: Extract<ShimRecord, { k: 's' }>; run: CheckedRun }> {
    const settings: WorkflowSettingsInfo = { id: 'check-workflow-settings', trigger: 'none', failurePolicy: 'stop', bindings: [] };
    const run = await this.run(settings, { [SETTINGS_MODE_KEY]: 'settings' }, {}, timeoutMs);
    const record = run.records.find((r): r is Extract<ShimRecord, { k: 's' }> => r.k === 's');
    return record ? { record, run } : { run };
  }

  /** The first frame of `at` that lies in one of the workflow's own files. */
  locate(at: string | undefined, own: (source: string) => boolean): MappedPosition | undefined {
    for (const [line, column] of parseFrames(at)) {
      const p = this.#map.original(line, column);
      if (p && own(p.source)) return p;
    }
    return undefined;
  }
}
