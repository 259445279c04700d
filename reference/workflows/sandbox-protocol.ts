/** What the host sends a sandbox process and what it answers: the pool and the runner share these shapes. */

export type SandboxMode = 'run' | 'settings';

export interface SandboxRequest {
  mode: SandboxMode;
  /** Compiled CommonJS body of the workflow module (reaches the library through the variable `libName`). */
  code: string;
  /** Identifies `code` (the source hash): each sandbox process compiles it once. */
  codeKey: string;
  /** CommonJS body of the `@kinde/infrastructure` bundle, evaluated afresh in every context. */
  lib: string;
  libKey: string;
  /** The module name under which `code` requires the library. */
  libName: string;
  timeoutMs: number;
  /** `[binding, claims JSON]` pairs the sandbox exposes on `kinde`. */
  tokensJson: string;
  eventJson: string;
  /** The declared non-token bindings to mount: `{ env?: [key, value, isSecret][], fetch?, secureFetch?, cache?, url? }`. */
  bindingsJson?: string;
  /** The fetch answers, resolved for this run (sandbox-io.js `createFetchHost`). */
  fixturesJson?: string;
}

/**
 * `status` is one of: ok, threw, timeout, unsettled, no-default, build, settings, settings-invalid
 * (from the run), or memory, busy, crashed (from the pool).
 */
export interface SandboxResponse {
  status: string;
  message: string;
  /** settings mode: `typeof` the default export. */
  extra: string;
  writes: { binding: string; name: string; json: string }[];
  logs: string[];
  /** kinde.fetch / kinde.secureFetch requests, in order (`fixture` -1: none matched). */
  requests: { binding: string; method: string; url: string; fixture: number }[];
}
