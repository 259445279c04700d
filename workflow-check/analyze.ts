/**
 * Findings about bindings, claims, claim values, token sizes and the default
 * export, from the static scan and what the runs showed together. A static
 * hit covers code the generated requests never reached; a run covers what
 * the scan cannot see (computed names, destructured bindings).
 */
import type { TokenType } from '../adapters/types.js';
import { ISSUER_COMPUTED, PROHIBITED } from '../reference/prohibited.js';
import type { WorkflowSettingsInfo } from '../reference/workflows/index.js';
import { BINDING_TOKEN, DOCS, documentedBy, inferredFrom, isTokenTrigger, QUOTES, RUNTIME, TRIGGER_TOKEN_BINDINGS } from './bindings.js';
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
const inferred = (source: string) => inferredFrom(source);
const withAt = (f: Finding, at: SourcePosition | undefined): Finding => (at ? { ...f, at } : f);

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
        basis: trigger === 'm2m:token_generation' ? documentedBy(DOCS.m2mTrigger, QUOTES.m2mTrigger) : documentedBy(DOCS.userTrigger, QUOTES.userTrigger),
        detail: { claim, binding },
      }, at));
    } else if (PROHIBITED[type].has(claim)) {
      out.push(withAt({
        kind: 'prohibited-claim',
        level: 'error',
        message: `claim "${claim}" cannot be changed on the ${TOKEN_TITLE[type]} token (the docs: "${QUOTES.prohibited} … ${claim}"): the token keeps its own value`,
        basis: documentedBy(DOCS.customizeTokens, `${QUOTES.prohibited} … ${claim}`),
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
      level: 'warning',
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
    basis: inferredFrom(RUNTIME.execute, 'promise := result.Export().(*goja.Promise)'),
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
      basis: documentedBy(DOCS.m2mTrigger, QUOTES.managementApi),
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
