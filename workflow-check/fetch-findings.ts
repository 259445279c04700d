/**
 * Findings about what a run needed from fixtures and did not get: kinde.env
 * keys read with no value, and kinde.fetch / kinde.secureFetch requests no
 * fixture answers (the workflow saw a network error). Each names the
 * `--env KEY=VALUE` or the fixture line to add. Requests are grouped by URL
 * pattern (generated users differ in ids), so one missing answer is one finding.
 */
import type { WorkflowFixtures } from '../reference/workflows/index.js';
import { inferredFrom, RUNTIME } from './bindings.js';
import type { Finding, SourcePosition } from './findings.js';
import type { Observations } from './observations.js';
import type { CheckedRun } from './sandbox.js';

const MAX_UNMATCHED_FINDINGS = 10;
const BASIS = inferredFrom(`${RUNTIME.reference}: kinde.env and kinde.fetch answer only from --env / --fixtures; nothing leaves the machine`);

/** A URL with its varying parts (segments holding digits, an @, or long tokens; query values) as `*`. */
export function urlPattern(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  const head = /^[a-z][a-z0-9+.-]*:\/\/[^/]*|^\{kindeDomain\}/i.exec(path)?.[0] ?? '';
  const segments = path.slice(head.length).split('/').map((s) => (/\d{3,}|@|%40|^[a-z]+_[0-9a-z]{6,}$/i.test(s) || s.length > 24 ? '*' : s));
  const keys = query === '' ? '' : `?${query.split('&').map((kv) => `${kv.split('=')[0]}=*`).join('&')}`;
  return head + segments.join('/') + keys;
}

export function envLine(keys: readonly string[]): string {
  return keys.map((k) => `--env ${/^[\w.-]+$/.test(k) ? k : JSON.stringify(k)}=…`).join(' ');
}

export function fixtureLine(method: string, url: string): string {
  return JSON.stringify({ method, url, status: 200, json: {} });
}

export function envFindings(obs: Observations, locate: (at: string | undefined) => SourcePosition | undefined): Finding[] {
  if (obs.envMissing.size === 0) return [];
  const keys = [...obs.envMissing.keys()];
  const first = obs.envMissing.get(keys[0]!)!;
  const at = locate(first.at);
  return [{
    kind: 'needs-fixtures',
    level: 'warning',
    message:
      `kinde.env had no value for ${keys.map((k) => JSON.stringify(k)).join(', ')} (read in ${Math.max(...[...obs.envMissing.values()].map((e) => e.count))} runs): ` +
      `add ${envLine(keys)} (or "env": { ${keys.map((k) => `${JSON.stringify(k)}: "…"`).join(', ')} } in --fixtures); what the workflow does with a value is not checked until then`,
    ...(at ? { at } : {}),
    basis: BASIS,
    detail: { env: keys, add: envLine(keys) },
  }];
}

export function fetchFindings(obs: Observations, fixtures: WorkflowFixtures | undefined): Finding[] {
  const out: Finding[] = [];
  const groups = new Map<string, { binding: string; method: string; pattern: string; example: string; count: number; urls: number }>();
  for (const r of obs.requests.values()) {
    if (r.fixture !== undefined) continue;
    const pattern = urlPattern(r.url);
    const key = `${r.binding}\u0000${r.method}\u0000${pattern}`;
    const g = groups.get(key);
    if (g) {
      g.count += r.count;
      g.urls++;
    } else groups.set(key, { binding: r.binding, method: r.method, pattern, example: r.url, count: r.count, urls: 1 });
  }
  const list = [...groups.values()];
  for (const g of list.slice(0, MAX_UNMATCHED_FINDINGS)) {
    out.push({
      kind: 'fetch-unmatched',
      level: 'warning',
      message:
        `${g.method} ${g.pattern} (${g.binding}, ${g.count} run${g.count === 1 ? '' : 's'}${g.urls > 1 ? `, ${g.urls} URLs like ${g.example}` : ''}): ` +
        (fixtures === undefined || fixtures.fetch.length === 0
          ? 'no fixtures were given, so it failed like a network error'
          : `none of the ${fixtures.fetch.length} fetch fixtures answers it, so it failed like a network error`) +
        `; add to "fetch" in --fixtures: ${fixtureLine(g.method, g.pattern)}`,
      basis: BASIS,
      detail: { binding: g.binding, method: g.method, url: g.pattern, example: g.example, count: g.count, add: fixtureLine(g.method, g.pattern) },
    });
  }
  if (list.length > MAX_UNMATCHED_FINDINGS || obs.requestsDropped > 0) {
    out.push({
      kind: 'fetch-unmatched',
      level: 'info',
      message: `more requests than listed: ${Math.max(0, list.length - MAX_UNMATCHED_FINDINGS)} more unmatched URL patterns, ${obs.requestsDropped} requests beyond the groups kept`,
    });
  }
  return out;
}

/** What a failed run lacked: env keys read with no value, requests no fixture answered. Empty = nothing. */
export function missingInRun(run: CheckedRun): { env: string[]; requests: { method: string; url: string }[] } {
  const env = [...new Set(run.records.filter((r) => r.k === 'e' && !r.ok).map((r) => (r as { n: string }).n))];
  const reqs = run.result.requests.filter((q) => q.fixture === undefined).map((q) => ({ method: q.method, url: urlPattern(q.url) }));
  return { env, requests: reqs };
}
