/**
 * Findings about bindings, claims, claim values, token sizes and the default
 * export, from the static scan and what the runs showed together. A static
 * hit covers code the generated requests never reached; a run covers what
 * the scan cannot see (computed names, destructured bindings).
 */
import type { TokenType } from '../adapters/types.js';
import { ISSUER_COMPUTED, PROHIBITED } from '../reference/prohibited.js';
import type { WorkflowSettingsInfo } from '../reference/workflows/index.js';
import {
  BINDING_TOKEN,
  DOCS,
  DOCUMENTED_BINDINGS,
  isTokenBinding,
  isTokenTrigger,
  M2M_TRIGGER,
  referenceSupports,
  RUNTIME,
  TRIGGER_TOKEN_BINDINGS,
  USER_TRIGGER,
} from './bindings.js';
import type { Finding, SourcePosition } from './findings.js';
import type { Observations, WriteSeen } from './observations.js';
import type { CheckCase } from './scenario.js';
import type { Position, StaticScan } from './static.js';

export const COOKIE_LIMIT = 4096;
export const HEADER_LIMIT = 8192;

export interface AnalyzeInput {
  settings: WorkflowSettingsInfo;
  scan: StaticScan;
  obs?: Observations;
  /** Static position → reported position. */
  pos: (p: Position | undefined) => SourcePosition | undefined;
  /** Stack frames of a run → reported position. */
  locate: (at: string | undefined) => SourcePosition | undefined;
}

const TOKEN_TITLE: Record<TokenType, string> = { access: 'access', id: 'ID', m2m: 'M2M' };
const documented = (source: string) => ({ level: 'documented' as const, source });
const inferred = (source: string) => ({ level: 'inferred' as const, source });
const withAt = (f: Finding, at: SourcePosition | undefined): Finding => (at ? { ...f, at } : f);

interface Use {
  at?: SourcePosition;
  via: string;
  maybe: boolean;
}

function collectUses(input: AnalyzeInput): Map<string, Use> {
  const uses = new Map<string, Use>();
  const merge = (binding: string, at: SourcePosition | undefined, via: string, maybe: boolean) => {
    const u = uses.get(binding);
    if (!u) uses.set(binding, { ...(at ? { at } : {}), via, maybe });
    else {
      u.maybe &&= maybe;
      if (!u.at && at) u.at = at;
    }
  };
  for (const u of input.scan.uses) merge(u.binding, input.pos(u.at), u.via, u.maybe === true);
  for (const a of input.obs?.reached() ?? []) merge(a.binding, input.locate(a.at), a.binding, false);
  return uses;
}

function otherTrigger(binding: string): string {
  return binding === 'kinde.m2mToken' ? M2M_TRIGGER : USER_TRIGGER;
}

export function bindingFindings(input: AnalyzeInput): Finding[] {
  const out: Finding[] = [];
  const { settings } = input;
  const declared = new Set(settings.bindings);
  const trigger = settings.trigger;
  const offered: readonly string[] = isTokenTrigger(trigger) ? TRIGGER_TOKEN_BINDINGS[trigger] : [];
  const uses = collectUses(input);
  const inconclusive = [...(input.obs?.inconclusive ?? new Map<string, number>()).entries()];
  for (const [binding, u] of uses) {
    if (isTokenBinding(binding) && isTokenTrigger(trigger) && !offered.includes(binding)) {
      out.push(withAt({
        kind: 'wrong-token',
        level: 'error',
        message: `${binding} (via ${u.via}) is not offered to ${trigger} workflows, only to ${otherTrigger(binding)}: nothing it sets can land`,
        basis: documented(DOCS.bindings),
      }, u.at));
      continue;
    }
    if (!declared.has(binding)) {
      if (binding === 'console') {
        out.push(withAt({
          kind: 'binding-undeclared',
          level: 'warning',
          message: 'console is used but not declared: Kinde\'s runtime mounts console only for workflows that declare it (add console: {} to bindings); the reference always provides it',
          basis: inferred(RUNTIME.vm),
        }, u.at));
      } else {
        const undocumented = !DOCUMENTED_BINDINGS.includes(binding);
        out.push(withAt({
          kind: 'binding-undeclared',
          level: u.maybe || undocumented ? 'warning' : 'error',
          message: u.maybe
            ? `${binding} may be used by ${u.via} (unless it is given the values itself) but is not declared in workflowSettings.bindings`
            : undocumented
              ? `${binding} is used (via ${u.via}) but not declared; no doc names this binding, so whether Kinde needs it declared is unknown`
              : `${binding} is used (via ${u.via}) but not declared in workflowSettings.bindings: Kinde fails the workflow at run time`,
          basis: documented(DOCS.bindings),
        }, u.at));
      }
      continue;
    }
    if (!referenceSupports(binding)) {
      const hits = inconclusive.filter(([reason]) => reason.startsWith(`${binding} `)).reduce((n, [, c]) => n + c, 0);
      out.push(withAt({
        kind: 'binding-unsupported',
        level: 'warning',
        message:
          `${binding} is used (via ${u.via}) but the reference does not implement it yet: ` +
          (hits > 0 ? `${hits} of ${input.obs?.runs ?? 0} runs reached it and were not judged` : 'runs that reach it are not judged'),
      }, u.at));
    }
  }
  for (const binding of settings.bindings) {
    const at = input.pos(input.scan.settings.bindings[binding]);
    if (isTokenBinding(binding) && isTokenTrigger(trigger) && !offered.includes(binding)) {
      if (!uses.has(binding)) {
        out.push(withAt({
          kind: 'wrong-token',
          level: 'warning',
          message: `${binding} is declared but ${trigger} workflows are not offered it (only ${otherTrigger(binding)} workflows are)`,
          basis: documented(DOCS.bindings),
        }, at));
      }
      continue;
    }
    if (uses.has(binding)) continue;
    out.push(withAt({
      kind: 'binding-unused',
      level: binding === 'url' ? 'info' : 'warning',
      message:
        binding === 'url'
          ? 'url is declared but URLSearchParams/URL are never used (the docs\' examples declare it anyway; harmless)'
          : `${binding} is declared but never used`,
      basis: documented(DOCS.bindings),
    }, at));
  }
  return out;
}

export function claimFindings(input: AnalyzeInput): Finding[] {
  const out: Finding[] = [];
  const trigger = input.settings.trigger;
  const claims = new Map<string, { binding: keyof typeof BINDING_TOKEN; claim: string; at?: SourcePosition }>();
  const add = (binding: keyof typeof BINDING_TOKEN, claim: string, at: SourcePosition | undefined) => {
    const key = `${binding}\u0000${claim}`;
    const seen = claims.get(key);
    if (!seen) claims.set(key, { binding, claim, ...(at ? { at } : {}) });
    else if (!seen.at && at) seen.at = at;
  };
  for (const c of input.scan.claims) add(c.binding, c.claim, input.pos(c.at));
  for (const w of input.obs?.writes.values() ?? []) add(w.binding, w.claim, input.locate(w.at));
  for (const { binding, claim, at } of claims.values()) {
    const type = BINDING_TOKEN[binding];
    if (isTokenTrigger(trigger) && !TRIGGER_TOKEN_BINDINGS[trigger].includes(binding)) {
      out.push(withAt({
        kind: 'wrong-token',
        level: 'error',
        message: `claim "${claim}" is set on the ${TOKEN_TITLE[type]} token, which ${trigger} workflows cannot touch`,
        basis: documented(DOCS.bindings),
        detail: { claim, binding },
      }, at));
    } else if (PROHIBITED[type].has(claim)) {
      out.push(withAt({
        kind: 'prohibited-claim',
        level: 'error',
        message: `claim "${claim}" cannot be changed on the ${TOKEN_TITLE[type]} token: Kinde ignores the write silently and the token keeps its own value`,
        basis: documented(DOCS.customizeTokens),
        detail: { claim, binding },
      }, at));
    } else if (ISSUER_COMPUTED[type].has(claim)) {
      out.push(withAt({
        kind: 'prohibited-claim',
        level: 'warning',
        message: `claim "${claim}" of the ${TOKEN_TITLE[type]} token is computed by the issuer after workflows run: the write is lost`,
        basis: inferred('OpenID Connect Core 3.1.3.6 (at_hash is computed from the issued access token)'),
        detail: { claim, binding },
      }, at));
    }
  }
  return out;
}

const ISSUE_TEXT: Record<string, (inArray: boolean) => string> = {
  undefined: (a) => (a ? 'undefined (becomes null)' : 'undefined (the key is dropped)'),
  function: (a) => (a ? 'a function (becomes null)' : 'a function (the key is dropped)'),
  symbol: (a) => (a ? 'a symbol (becomes null)' : 'a symbol (the key is dropped)'),
  bigint: () => 'a BigInt (JSON cannot represent it)',
  cycle: () => 'a reference to itself (a cycle JSON cannot represent)',
  nan: () => 'NaN (becomes null)',
  infinity: () => 'an infinite number (becomes null)',
  'negative-zero': () => '-0 (becomes 0)',
  date: () => 'a Date (becomes an ISO 8601 string)',
  'invalid-date': () => 'an invalid Date (becomes null)',
  toJSON: () => 'an object with toJSON() (replaced by what it returns)',
  map: () => 'a Map (becomes {})',
  set: () => 'a Set (becomes {})',
  regexp: () => 'a RegExp (becomes {})',
  error: () => 'an Error (only its own enumerable properties survive)',
  instance: () => 'a class instance (loses its class: only own enumerable properties survive)',
  hole: () => 'an array hole (becomes null)',
  uninspectable: () => 'a value that could not be inspected',
};

function describeIssues(w: WriteSeen): string {
  return w.issues
    .map((i) => {
      const root = i.p === '$';
      const text = (ISSUE_TEXT[i.t] ?? (() => i.t))(i.p.endsWith(']'));
      return root ? `the value is ${text.replace(/ \(the key is dropped\)| \(becomes null\)/, '')}` : `${i.p.slice(1)} is ${text}`;
    })
    .join('; ');
}

export function jsonFindings(input: AnalyzeInput): Finding[] {
  const out: Finding[] = [];
  for (const w of input.obs?.writes.values() ?? []) {
    const fatal = w.error !== undefined || w.lands === null;
    if (w.issues.length === 0 && !fatal) continue;
    const type = TOKEN_TITLE[BINDING_TOKEN[w.binding]];
    const lands = fatal
      ? `nothing lands: setCustomClaim throws (${firstLine(w.error ?? 'the value is not JSON-serializable')}), so the workflow fails`
      : `lands in the ${type} token as ${w.lands}`;
    out.push(withAt({
      kind: 'json-value',
      level: fatal ? 'error' : 'warning',
      message: `claim "${w.claim}" (${type} token): ${describeIssues(w) || 'not JSON'}; ${lands}`,
      basis: inferred(`the reference serializes claim values with JSON.stringify; Kinde's runtime (${RUNTIME.vm}) converts values its own way and does not document it`),
      detail: { claim: w.claim, binding: w.binding, issues: w.issues.map((i) => ({ path: i.p, kind: i.t })), lands: w.lands ?? null },
    }, input.locate(w.at)));
  }
  return out;
}

const TYPE_BINDING: Record<TokenType, keyof typeof BINDING_TOKEN> = { access: 'kinde.accessToken', id: 'kinde.idToken', m2m: 'kinde.m2mToken' };

/** The first line of a message (V8's cycle error runs over three). */
export function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

export function sizeFindings(
  obs: Observations | undefined,
  describe: (c: CheckCase) => string,
  locate: (at: string | undefined) => SourcePosition | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const [type, t] of Object.entries(obs?.largest ?? {}) as [TokenType, NonNullable<Observations['largest'][TokenType]>][]) {
    if (t.bytes <= COOKIE_LIMIT) continue;
    const added = t.baseline !== undefined ? t.bytes - t.baseline : undefined;
    const own = added !== undefined ? ` (${added} of them from this workflow)` : '';
    const over = t.bytes > HEADER_LIMIT
      ? `over ${HEADER_LIMIT} bytes, the default request-header limit of common servers (e.g. nginx large_client_header_buffers 8k), so it may be refused as an Authorization header`
      : `over ${COOKIE_LIMIT} bytes, the size of one cookie browsers guarantee (RFC 6265 §6.1), so it cannot be stored in a cookie`;
    const biggest = obs?.largestWrite(TYPE_BINDING[type]);
    const claim = biggest && biggest.size > 0 ? `; its largest claim is "${biggest.claim}" (${biggest.size} characters of JSON)` : '';
    out.push(withAt({
      kind: 'token-size',
      level: added !== undefined && added <= 0 ? 'info' : t.bytes > HEADER_LIMIT ? 'error' : 'warning',
      message: `the largest ${TOKEN_TITLE[type]} token is ${t.bytes} bytes${own}: ${over}${claim}`,
      basis: inferred(t.bytes > HEADER_LIMIT ? 'common server defaults for request headers (8 KB)' : 'RFC 6265 §6.1'),
      detail: { token: type, bytes: t.bytes, ...(t.baseline !== undefined ? { withoutWorkflow: t.baseline } : {}), request: describe(t.case) },
    }, biggest && biggest.size > 0 ? locate(biggest.at) : undefined));
  }
  return out;
}

export function asyncFindings(input: AnalyzeInput): Finding[] {
  if (!input.obs || input.obs.nonPromise === 0) return [];
  return [withAt({
    kind: 'not-async',
    level: 'error',
    message: `the default export returned no promise (${input.obs.nonPromise} runs): Kinde's runtime expects one and fails the workflow otherwise; write "export default async function"`,
    basis: inferred(RUNTIME.vm),
  }, input.pos(input.scan.settings.defaultExport))];
}

export function notRunFindings(obs: Observations | undefined, timeoutMs: number): Finding[] {
  if (!obs) return [];
  const out: Finding[] = [];
  if (obs.slow > 0) {
    out.push({
      kind: 'timeout',
      level: 'info',
      message:
        `${obs.slow} run${obs.slow === 1 ? '' : 's'} missed the ${timeoutMs} ms budget but finished when run again with a longer one ` +
        `(slowest ${obs.slowestMs} ms): budgets are wall-clock, so slow code or a busy machine; Kinde documents no limit`,
    });
  }
  for (const [reason, n] of obs.notRun) {
    out.push({
      kind: 'not-run',
      level: 'info',
      message: `not run for ${n} of ${obs.cases} requests: ${reason}, and Kinde lets no workflow modify those tokens`,
      basis: documented(DOCS.m2mTrigger),
    });
  }
  const judged = obs.runs - [...obs.inconclusive.values()].reduce((a, b) => a + b, 0);
  if (obs.runs > 0 && judged === 0) {
    out.push({
      kind: 'not-run',
      level: 'warning',
      message: `no run could be judged: every run reached a binding the reference does not implement (${[...obs.inconclusive.keys()].join('; ')})`,
    });
  }
  if (obs.nondeterministic) {
    out.push({
      kind: 'throws',
      level: 'warning',
      message: `a request that the workflow finished on its own was refused when the issuer ran it (the workflow is not deterministic): ${obs.nondeterministic.description}`,
    });
  }
  if (obs.truncated) {
    out.push({ kind: 'internal', level: 'info', message: 'some runs logged so much that part of check-workflow\'s records were dropped: findings from those runs may be incomplete' });
  }
  return out;
}
