/**
 * Every bound of the reference issuer and of `serve`, in one place, so that
 * nothing a client (or a hostile workflow) does can grow them without limit.
 * The observable ones are documented in docs/target-protocol.md §8.1; the
 * sandbox's own limits are in reference/workflows/sandbox.ts.
 */

/** Per issuer, i.e. per `serve` environment (the root or one session). */
export const ISSUER_LIMITS = Object.freeze({
  /** Workflows deployed at once; one more is `409 too_many_workflows` (replacing an id is fine). */
  maxWorkflows: 32,
  /** Authorization codes not yet exchanged; beyond it the oldest is forgotten (its exchange is `invalid_grant`). */
  maxAuthorizationCodes: 1_000,
  /** Refresh tokens remembered, live or rotated out; beyond it the oldest is forgotten (its use is `invalid_grant`). */
  maxRefreshTokens: 1_000,
});

/** Per `serve` process. */
export const SERVER_LIMITS = Object.freeze({
  /** Sessions at once; one more is `429 too_many_sessions` once no idle one can be dropped. */
  maxSessions: 64,
  /** A session unused for this long is deleted (ms). */
  sessionIdleMs: 10 * 60_000,
  /** How often idle sessions are looked for (ms). */
  sweepIntervalMs: 30_000,
  /** Request bodies beyond this are `413 payload_too_large`. */
  maxRequestBytes: 1024 * 1024,
  /** Bodies beyond this are not read at all: 413, then the connection is closed. */
  maxDrainBytes: 64 * 1024 * 1024,
  /** Codes bound to a PKCE challenge or redirect URI, per environment; the oldest is dropped beyond it. */
  maxPendingCodes: 1_000,
  /** JSON bodies nest no deeper than this; deeper is `400`. */
  maxJsonDepth: 64,
  /** A request must be complete within this (ms); else `408`. */
  requestTimeoutMs: 30_000,
  /** Its headers within this (ms); else `408`. */
  headersTimeoutMs: 10_000,
  /**
   * Idle kept-alive sockets close after this (ms). Clients close idle sockets a second before the
   * advertised timeout; a long one keeps the server from closing a socket just as a client reuses it.
   */
  keepAliveTimeoutMs: 65_000,
});
