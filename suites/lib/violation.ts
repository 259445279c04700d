/**
 * A broken requirement, thrown from inside a property so that fast-check
 * shrinks to the smallest input that still breaks it.
 */
import { BOUNDS, boundForReport, truncateString } from '../../adapters/bounds.js';
import type { JsonObject, JsonValue, TokenType } from '../../adapters/types.js';
import type { Counterexample } from '../../reports/results.js';

export type ViolationCode =
  | 'ERR_CLAIM_MISSING'
  | 'ERR_CLAIM_MISMATCH'
  | 'ERR_CLAIM_INVALID'
  | 'ERR_CLAIM_UNEXPECTED'
  | 'ERR_SIG_INVALID'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_REQUEST_REFUSED'
  | 'ERR_REQUEST_ACCEPTED'
  | 'ERR_RESPONSE_INVALID';

/** What a run was doing when a condition broke; copied into the counterexample. */
export interface Trace {
  tenant?: JsonValue;
  request?: JsonValue;
  workflows?: string[];
  commands?: string[];
  token?: { header: JsonObject; payload: JsonObject };
}

export interface ViolationDetails {
  tokenType?: TokenType;
  claim?: string;
  expected?: JsonValue | undefined;
  actual?: JsonValue | undefined;
  token?: { header: JsonObject; payload: JsonObject };
  /** A comparison failure's other side: the token `token` was compared with (e.g. the one whose jti it repeats). */
  compared?: { label: string; token: { header: JsonObject; payload: JsonObject } };
  /**
   * The requirement whose violation this one follows from: the evidence breaks
   * that requirement's statement too (a prohibited claim changed, a token that
   * does not decode). Reports mark the failure "also failed because of" it when
   * that requirement failed in the same run.
   */
  because?: string;
}

export class Violation extends Error {
  readonly code: ViolationCode;
  readonly requirement: string;
  readonly details: ViolationDetails;
  readonly trace: Trace;

  constructor(code: ViolationCode, requirement: string, message: string, details: ViolationDetails, trace: Trace) {
    super(`${requirement}: ${truncateString(message, BOUNDS.reportMessageChars)}`);
    this.name = 'Violation';
    this.code = code;
    this.requirement = requirement;
    // A requirement is never a consequence of itself.
    if (details.because === requirement) {
      const { because: _self, ...rest } = details;
      details = rest;
    }
    this.details = details;
    this.trace = structuredClone(trace);
  }

  /** The counterexample as reports keep it: every value cut to the report bounds (adapters/bounds.ts). */
  toCounterexample(): Counterexample {
    const c: Counterexample = { requirement: this.requirement, message: this.message };
    const d = this.details;
    if (d.because !== undefined) c.because = d.because;
    if (d.tokenType) c.tokenType = d.tokenType;
    if (d.claim !== undefined) c.claim = truncateString(d.claim);
    if ('expected' in d) c.expected = d.expected === undefined ? '(absent)' : boundForReport(d.expected);
    if ('actual' in d) c.actual = d.actual === undefined ? '(absent)' : boundForReport(d.actual);
    const token = d.token ?? this.trace.token;
    if (token) c.token = boundForReport(token as unknown as JsonValue) as unknown as { header: JsonObject; payload: JsonObject };
    if (d.compared) c.compared = { label: truncateString(d.compared.label), token: boundForReport(d.compared.token as unknown as JsonValue) as unknown as { header: JsonObject; payload: JsonObject } };
    if (this.trace.tenant !== undefined) c.tenant = boundForReport(this.trace.tenant);
    if (this.trace.request !== undefined) c.request = boundForReport(this.trace.request);
    if (this.trace.workflows?.length) c.workflows = this.trace.workflows;
    if (this.trace.commands?.length) c.commands = this.trace.commands;
    return c;
  }
}

/**
 * Judges one generated run. Conditions of requirements outside the current
 * focus are not enforced, so one property can be re-run to decide each of its
 * requirements separately (see run-check.ts).
 */
export class Judge {
  readonly trace: Trace = {};
  readonly #focus: ReadonlySet<string>;

  constructor(focus: ReadonlySet<string>) {
    this.#focus = focus;
  }

  focused(requirement: string): boolean {
    return this.#focus.has(requirement);
  }

  /** Throw a Violation for `requirement` unless `ok` (and only when it is in focus). */
  check(ok: boolean, requirement: string, code: ViolationCode, message: string | (() => string), details: ViolationDetails = {}): void {
    if (ok || !this.#focus.has(requirement)) return;
    throw new Violation(code, requirement, typeof message === 'function' ? message() : message, details, this.trace);
  }
}
