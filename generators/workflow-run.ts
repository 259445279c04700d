/**
 * The run a correct runtime must produce for a workflow program: the
 * interpreter the suites' expectations are computed with.
 */
import type { JsonValue } from '../adapters/types.js';
import { jsonRoundTrip } from './claims.js';
import type { Condition, EventPath, FixtureReads, TokenBinding, WorkflowProgram } from './workflow-ops.js';

export interface ExpectedWrite {
  binding: TokenBinding;
  name: string;
  value: JsonValue;
}

export interface ExpectedRun {
  completes: boolean;
  failure?: 'threw' | 'undeclared-binding' | 'timeout';
  /**
   * Every claim write the workflow performed, in order, with values as JSON
   * makes them. On a failed run these are the writes made BEFORE the failure;
   * a correct issuer does not apply them (what it does instead follows the
   * failure policy and is the caller's decision). Prohibited names are still
   * listed here: filtering them is the issuer's job, not the workflow's.
   */
  writes: ExpectedWrite[];
}

export interface RunContext {
  /** Bindings the runtime offers for this run (e.g. TRIGGER_BINDINGS[trigger]). */
  offered: readonly TokenBinding[];
  /** The event fields; `undefined` = absent from the event. */
  event: Readonly<Record<EventPath, JsonValue | undefined>>;
  /** What env and fetch reads are answered with (programs with fixture reads need it). */
  reads?: FixtureReads;
}

/**
 * What a runtime does with a claim set to `undefined`. `refuse`: the write
 * throws (the reference: `setCustomClaim` JSON-serializes the value and
 * refuses what JSON cannot carry). `omit`: the claim is left out of the token,
 * as `JSON.stringify` leaves out an object property whose value is undefined.
 */
export type UndefinedWrite = 'refuse' | 'omit';

/** Whether `c` holds for the event (as the rendered source tests it: absent fields read as null). */
export function conditionHolds(c: Condition, event: RunContext['event']): boolean {
  switch (c.kind) {
    case 'org':
      return (event['context.organization.code'] ?? null) !== null === c.present;
    case 'origin':
      return event['context.auth.origin'] === c.is;
    case 'audience': {
      const aud = event['request.auth.audience'];
      const some = Array.isArray(aud) && aud.some((a) => typeof a === 'string' && a.endsWith(c.endsWith));
      return some === c.present;
    }
  }
}

/**
 * What a correct runtime does with `p`: ops run in order (an op whose `when`
 * does not hold is skipped); `await` changes nothing (writes after it land:
 * the runtime waits for the workflow's promise); writing through a binding
 * that is not both declared and offered fails the run at that op
 * (`undeclared-binding`); `throw` fails with `threw`; `loopForever` with
 * `timeout`. `setFromEvent` of an absent field writes `null` (the rendered
 * source does `?? null`, since JSON has no `undefined`). `deleteClaim` only
 * obtains the proxy: the library's claims proxy has no deleteProperty trap,
 * so nothing reaches the token. `setUndefined` follows `undefinedWrite`
 * (`omit` is recorded as a write of `undefined`, see {@link finalClaims}).
 * `setFromEnv` writes the env value (null when the key is not in the
 * fixtures); `setFromFetch` writes the answer's JSON body, and fails with
 * `threw` when no fixture answers the URL (the library's fetch rejects), or
 * when the program does not declare the binding (the library's helper throws).
 * The token binding is reached before the value is read (the proxy is
 * obtained first; `kinde.x.setCustomClaim` is looked up before its arguments).
 */
export function expectedRun(p: WorkflowProgram, ctx: RunContext, undefinedWrite: UndefinedWrite = 'refuse'): ExpectedRun {
  const writes: ExpectedWrite[] = [];
  const available = (b: TokenBinding) => p.bindings.includes(b) && ctx.offered.includes(b);
  for (const op of p.ops) {
    if ('when' in op && op.when && !conditionHolds(op.when, ctx.event)) continue;
    switch (op.kind) {
      case 'throw':
        return { completes: false, failure: 'threw', writes };
      case 'loopForever':
        return { completes: false, failure: 'timeout', writes };
      case 'await':
        break;
      case 'set':
      case 'setFromEvent':
      case 'setUndefined':
      case 'deleteClaim':
      case 'setFromEnv':
      case 'setFromFetch': {
        if (!available(op.binding)) return { completes: false, failure: 'undeclared-binding', writes };
        if (op.kind === 'deleteClaim') break;
        if (op.kind === 'setUndefined') {
          if (undefinedWrite === 'refuse') return { completes: false, failure: 'threw', writes };
          writes.push({ binding: op.binding, name: op.name, value: undefined as unknown as JsonValue });
          break;
        }
        if (op.kind === 'setFromEnv' || op.kind === 'setFromFetch') {
          const reads = ctx.reads;
          if (reads === undefined) throw new RangeError(`expectedRun: ${op.kind} needs the fixture reads in its context`);
          const binding = op.kind === 'setFromEnv' ? 'kinde.env' : 'kinde.fetch';
          if (!(p.fixtureBindings ?? []).includes(binding)) return { completes: false, failure: 'threw', writes };
          if (op.kind === 'setFromFetch' && !Object.hasOwn(reads.fetch, op.url)) return { completes: false, failure: 'threw', writes };
          const read = op.kind === 'setFromEnv' ? (Object.hasOwn(reads.env, op.key) ? reads.env[op.key]! : null) : reads.fetch[op.url]!;
          writes.push({ binding: op.binding, name: op.name, value: jsonRoundTrip(read ?? null) });
          break;
        }
        const raw = op.kind === 'set' ? op.value : (ctx.event[op.path] ?? null);
        writes.push({ binding: op.binding, name: op.name, value: jsonRoundTrip(raw) });
        break;
      }
    }
  }
  return { completes: true, writes };
}

/**
 * The last value written per claim name for one binding (later writes win;
 * a write of `undefined`, see {@link UndefinedWrite} `omit`, removes the name).
 * A `Map`, so that names like `__proto__` are ordinary keys.
 */
export function finalClaims(writes: readonly ExpectedWrite[], binding: TokenBinding): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  for (const w of writes) {
    if (w.binding !== binding) continue;
    if (w.value === undefined) out.delete(w.name);
    else out.set(w.name, w.value);
  }
  return out;
}
