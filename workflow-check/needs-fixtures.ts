/**
 * Is a failure the workflow's own, or only a missing fixture? A run that failed
 * after reading kinde.env keys nothing supplied, or after a request no fixture
 * answered, is run again with placeholder values for exactly those (env keys
 * "placeholder", Kinde's token endpoint answering a token, every other request
 * 200 `{}`), repeating while new keys show up. The same failure again: the
 * workflow's own (a code error). It disappears or changes: "needs fixtures",
 * naming the `--env` / fixture lines to add and what happened with placeholders.
 */
import { KINDE_DOMAIN_PLACEHOLDER, type FetchFixture, type WorkflowFixtures } from '../reference/workflows/index.js';
import { firstLine } from './analyze.js';
import { runCase, type FailedRun, type RunContext } from './explore.js';
import { missingInRun } from './fetch-findings.js';
import { Observations } from './observations.js';
import type { CheckCase } from './scenario.js';

const MAX_ROUNDS = 4;

export type MissingVerdict =
  | { kind: 'code'; env: string[]; requests: { method: string; url: string }[] }
  | { kind: 'needs'; env: string[]; requests: { method: string; url: string }[]; after?: FailedRun };

const PLACEHOLDER_FETCH: FetchFixture[] = [
  {
    method: 'POST',
    url: `${KINDE_DOMAIN_PLACEHOLDER}/oauth2/token`,
    status: 200,
    headers: {},
    json: { access_token: 'placeholder-token', token_type: 'bearer', expires_in: 86400 },
  },
  { method: '*', url: '*', status: 200, headers: {}, json: {} },
];

function withPlaceholders(base: WorkflowFixtures | undefined, env: readonly string[]): WorkflowFixtures {
  const out: WorkflowFixtures = { env: { ...(base?.env ?? {}) }, fetch: [...(base?.fetch ?? []), ...PLACEHOLDER_FETCH] };
  for (const k of env) out.env[k] ??= { value: 'placeholder', isSecret: false };
  return out;
}

export async function classifyMissing(ctx: RunContext, c: CheckCase, failed: FailedRun): Promise<MissingVerdict | undefined> {
  const first = missingInRun(failed.run);
  if (first.env.length === 0 && first.requests.length === 0) return undefined;
  const env = new Set(first.env);
  const original = firstLine(failed.message);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const r = await runCase({ ...ctx, fixtures: withPlaceholders(ctx.fixtures, [...env]) }, c, new Observations(), false);
    if (!r.failed) return { kind: 'needs', env: [...env], requests: first.requests };
    const more = missingInRun(r.failed.run).env.filter((k) => !env.has(k));
    if (more.length > 0 && round < MAX_ROUNDS - 1) {
      more.forEach((k) => env.add(k));
      continue;
    }
    if (r.failed.code === failed.code && firstLine(r.failed.message) === original) return { kind: 'code', env: [...env], requests: first.requests };
    return { kind: 'needs', env: [...env], requests: first.requests, after: r.failed };
  }
  return { kind: 'needs', env: [...env], requests: first.requests };
}
