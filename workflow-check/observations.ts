/**
 * What the runs of one workflow showed, accumulated over every generated
 * request (shrinking runs included: they are real runs too).
 */
import type { JsonObject, TokenType } from '../adapters/types.js';
import { KINDE_DOMAIN_PLACEHOLDER, type TokenBinding } from '../reference/workflows/index.js';
import type { CheckCase } from './scenario.js';
import type { Origin, Step, StepOutcome } from './execute.js';
import type { CheckedRun } from './sandbox.js';
import type { ValueIssue } from './shim.js';

export interface AccessSeen {
  binding: string;
  /** The binding was there when the code reached for it. */
  ok: boolean;
  at: string;
  count: number;
}

export interface WriteSeen {
  binding: TokenBinding;
  claim: string;
  issues: ValueIssue[];
  /** JSON text of what the value becomes; null = nothing (not serializable); undefined = serializing threw. */
  lands: string | null | undefined;
  error?: string;
  /** Characters of JSON. */
  size: number;
  at: string;
  origin: Origin;
  count: number;
}

export interface RequestSeen {
  binding: string;
  method: string;
  /** The first URL seen (requests answered by one fixture are grouped). */
  url: string;
  fixture?: number;
  count: number;
}

/** Distinct groups of requests kept (further ones are counted in `requestsDropped`). */
const MAX_REQUEST_GROUPS = 50;

export interface LargestToken {
  bytes: number;
  /** The same token without the workflow. */
  baseline?: number;
  origin: Origin;
  case: CheckCase;
}

function kindeDomainOf(event: JsonObject): string | undefined {
  const context = event.context;
  const domains = context && typeof context === 'object' && !Array.isArray(context) ? context.domains : undefined;
  const domain = domains && typeof domains === 'object' && !Array.isArray(domains) ? domains.kindeDomain : undefined;
  return typeof domain === 'string' && domain !== '' ? domain : undefined;
}

export class Observations {
  /** Workflow executions (direct runs). */
  runs = 0;
  /** Generated requests. */
  cases = 0;
  /** Runs that ended in a binding the reference does not have: reason → count. */
  readonly inconclusive = new Map<string, number>();
  /** Requests for which the issuer runs no workflow: reason → count. */
  readonly notRun = new Map<string, number>();
  readonly access = new Map<string, AccessSeen>();
  readonly writes = new Map<string, WriteSeen>();
  /** Runs whose default export returned no promise. */
  nonPromise = 0;
  readonly largest: Partial<Record<TokenType, LargestToken>> = {};
  consoleLines = 0;
  /** Runs that missed the time budget but finished within the extended one, and the longest of them (ms). */
  slow = 0;
  slowestMs = 0;
  truncated = false;
  /** A run that passed directly but whose sign-in the issuer refused (the workflow is not deterministic). */
  nondeterministic?: { case: CheckCase; description: string };
  /** kinde.fetch / kinde.secureFetch requests: matched ones by fixture, unmatched ones by URL. */
  readonly requests = new Map<string, RequestSeen>();
  requestsDropped = 0;
  /** kinde.env keys read that had no value (no --env / fixture supplied them): key → first position and count. */
  readonly envMissing = new Map<string, { at: string; count: number }>();

  addRun(run: CheckedRun, step: Step): void {
    this.runs++;
    this.consoleLines += run.logs.length;
    const domain = kindeDomainOf(step.event);
    for (const q of run.result.requests) {
      // Generated tenants differ in their domain: shown as the placeholder a fixture would use.
      const url = domain !== undefined && q.url.startsWith(domain) ? KINDE_DOMAIN_PLACEHOLDER + q.url.slice(domain.length) : q.url;
      const key = `${q.binding}\u0000${q.method}\u0000${q.fixture !== undefined ? `#${q.fixture}` : url}`;
      const seen = this.requests.get(key);
      if (seen) seen.count++;
      else if (this.requests.size >= MAX_REQUEST_GROUPS) this.requestsDropped++;
      else this.requests.set(key, { binding: q.binding, method: q.method, url, ...(q.fixture !== undefined ? { fixture: q.fixture } : {}), count: 1 });
    }
    if (run.truncated) this.truncated = true;
    for (const r of run.records) {
      if (r.k === 'b') {
        const binding = `kinde.${r.n}`;
        const key = `${binding}\u0000${r.ok}`;
        const seen = this.access.get(key);
        if (seen) seen.count++;
        else this.access.set(key, { binding, ok: r.ok, at: r.at, count: 1 });
      } else if (r.k === 'w') {
        const binding = `kinde.${r.b}` as TokenBinding;
        const key = `${binding}\u0000${r.n}\u0000${r.i.map((i) => `${i.p}=${i.t}`).join()}\u0000${r.e ?? ''}`;
        const seen = this.writes.get(key);
        if (seen) seen.count++;
        else {
          const w: WriteSeen = { binding, claim: r.n, issues: r.i, lands: r.l, size: r.z ?? 0, at: r.at, origin: step.origin, count: 1 };
          if (r.e !== undefined) w.error = r.e;
          this.writes.set(key, w);
        }
      } else if (r.k === 'e' && !r.ok) {
        const seen = this.envMissing.get(r.n);
        if (seen) seen.count++;
        else if (this.envMissing.size < MAX_REQUEST_GROUPS) this.envMissing.set(r.n, { at: r.at, count: 1 });
      } else if (r.k === 'r' && !r.p) this.nonPromise++;
    }
  }

  addSlow(durationMs: number): void {
    this.slow++;
    this.slowestMs = Math.max(this.slowestMs, Math.round(durationMs));
  }

  addInconclusive(reason: string): void {
    this.inconclusive.set(reason, (this.inconclusive.get(reason) ?? 0) + 1);
  }

  addNotRun(reason: string): void {
    this.notRun.set(reason, (this.notRun.get(reason) ?? 0) + 1);
  }

  addOutcome(c: CheckCase, steps: readonly Step[], outcomes: readonly StepOutcome[]): void {
    outcomes.forEach((o, i) => {
      if (!o.ok) {
        this.nondeterministic ??= { case: c, description: o.description };
        return;
      }
      for (const [type, token] of Object.entries(o.tokens) as [TokenType, NonNullable<(typeof o.tokens)[TokenType]>][]) {
        const best = this.largest[type];
        if (best && best.bytes >= token.bytes) continue;
        const baseline = steps[i]?.baselineBytes[type];
        this.largest[type] = { bytes: token.bytes, origin: o.origin, case: c, ...(baseline !== undefined ? { baseline } : {}) };
      }
    });
  }

  /** The biggest value written to a token binding. */
  largestWrite(binding: TokenBinding): WriteSeen | undefined {
    let best: WriteSeen | undefined;
    for (const w of this.writes.values()) if (w.binding === binding && (!best || w.size > best.size)) best = w;
    return best;
  }

  /** Bindings the code reached for, first position of each. */
  reached(): AccessSeen[] {
    const byBinding = new Map<string, AccessSeen>();
    for (const a of this.access.values()) if (!byBinding.has(a.binding)) byBinding.set(a.binding, a);
    return [...byBinding.values()];
  }
}
