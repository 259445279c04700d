/** Public shapes of the reference workflow runtime. Plain JSON data only. */

import type { JsonObject, JsonValue } from '../../adapters/types.js';
import type { WorkflowErrorCode } from './errors.js';

/** Token bindings a workflow can declare (`workflowSettings.bindings`) and the issuer can offer. */
export type TokenBinding = 'kinde.accessToken' | 'kinde.idToken' | 'kinde.m2mToken';
export const TOKEN_BINDINGS: readonly TokenBinding[] = ['kinde.accessToken', 'kinde.idToken', 'kinde.m2mToken'];

/** The validated part of a module's `workflowSettings` export. */
export interface WorkflowSettingsInfo {
  id: string;
  name?: string;
  /** Trigger string, e.g. `user:tokens_generation` or `m2m:token_generation`. Not restricted to known values. */
  trigger: string;
  /** `stop` when absent (the library's types: "stop is default"). */
  failurePolicy: 'stop' | 'continue';
  /** Declared binding names (keys of `workflowSettings.bindings`), in declaration order. */
  bindings: string[];
}

export interface CompiledWorkflow {
  /** SHA-256 (hex) of the source. */
  hash: string;
  settings: WorkflowSettingsInfo;
  /** The compiled module (CommonJS body without the library; run only through {@link runWorkflow}). */
  code: string;
}

/** One `setCustomClaim(name, value)` call, in call order. Not filtered: the issuer decides what is allowed. */
export interface ClaimWrite {
  binding: TokenBinding;
  name: string;
  value: JsonValue;
}

export interface RunInput {
  /** The event object passed to the default export. */
  event: JsonObject;
  /** Bindings the issuer offers for this trigger, with the token's current claims. */
  tokens: Partial<Record<TokenBinding, JsonObject>>;
  /** Time budget for the whole workflow (module body, default export, its promise). Default 1000. */
  timeoutMs?: number;
  /**
   * Fairness key of the caller (e.g. the issuer of one environment): runs of
   * one owner queue behind each other, never behind another owner's.
   */
  owner?: unknown;
}

export type RunResult =
  | { ok: true; writes: ClaimWrite[]; logs: string[]; durationMs: number }
  | {
      ok: false;
      error: { code: WorkflowErrorCode; message: string };
      writes: ClaimWrite[];
      logs: string[];
      durationMs: number;
    };
