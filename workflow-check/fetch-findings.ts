/**
 * Findings about the runs' kinde.fetch / kinde.secureFetch requests: each
 * request no fixture answers (the workflow saw a network error), and a
 * summary of what the fixtures answered.
 */
import type { WorkflowFixtures } from '../reference/workflows/index.js';
import type { Finding } from './findings.js';
import type { Observations } from './observations.js';

const MAX_UNMATCHED_FINDINGS = 10;

export function fetchFindings(obs: Observations, fixtures: WorkflowFixtures | undefined): Finding[] {
  const out: Finding[] = [];
  const unmatched = [...obs.requests.values()].filter((r) => r.fixture === undefined);
  for (const r of unmatched.slice(0, MAX_UNMATCHED_FINDINGS)) {
    out.push({
      kind: 'fetch-unmatched',
      level: 'warning',
      message:
        `${r.method} ${r.url} (${r.binding}, ${r.count} run${r.count === 1 ? '' : 's'}): ` +
        (fixtures === undefined || fixtures.fetch.length === 0
          ? 'no fixtures were given (--fixtures=FILE), so every request fails like a network error'
          : `none of the ${fixtures.fetch.length} fetch fixtures answers it, so it failed like a network error`) +
        '; nothing leaves the machine',
      detail: { binding: r.binding, method: r.method, url: r.url, count: r.count },
    });
  }
  if (unmatched.length > MAX_UNMATCHED_FINDINGS || obs.requestsDropped > 0) {
    out.push({
      kind: 'fetch-unmatched',
      level: 'info',
      message: `more requests than listed: ${Math.max(0, unmatched.length - MAX_UNMATCHED_FINDINGS)} more unmatched URLs, ${obs.requestsDropped} requests beyond the groups kept`,
    });
  }
  return out;
}
