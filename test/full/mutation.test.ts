/**
 * The mutation engine's self-test: a seeded sample of generated mutants
 * against the reference, in-process and over HTTP (`serve`), must leave no
 * unexplained survivor; each requirement added to close a gap kills the
 * generated mutant it was written for; the ledger only cites what the fact
 * sheet says; and `power` reports and exits as documented.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAdapter } from '../../adapters/http.js';
import { ReferenceAdapter } from '../../reference/adapter.js';
import { startServer, type StartedServer } from '../../reference/server.js';
import { severityFor } from '../../runner/execute.js';
import { ALL_CHECKS } from '../../suites/index.js';
import { runCampaign, runMutants } from '../../mutation/campaign.js';
import { powerCommand } from '../../mutation/cli.js';
import { Ledger, loadLedger } from '../../mutation/ledger.js';
import { allOperators, sampleOperators, selectOperators } from '../../mutation/operators.js';
import { buildResults, renderSummary } from '../../mutation/report.js';

const SEED = Number(process.env.KTC_MUTATION_SEED ?? 20261123);
const SAMPLE = Number(process.env.KTC_MUTATION_SAMPLE ?? 20);
const RUNS = 3;

const normalize = (s: string) => s.replace(/\s+/g, ' ').trim();
const facts = () => normalize(readFileSync(new URL('../../../shared/spec/kinde-token-facts.md', import.meta.url), 'utf8'));

const meta = (target: string, runs: number) => ({
  target,
  seed: SEED,
  runs,
  escalateRuns: runs * 5,
  selection: { selected: 0, generated: allOperators().length },
  startedAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
});

describe('the equivalent-mutant ledger', () => {
  const ledger = loadLedger();

  it('quotes the fact sheet verbatim, or names the RFC clause where the docs are silent', () => {
    const sheet = facts();
    for (const e of ledger.entries) {
      if (e.quote !== undefined) expect(sheet.includes(normalize(e.quote)), `${e.operators[0]}: ${e.quote}`).toBe(true);
      else expect(e.rfc?.quote.length ?? 0, e.operators[0]).toBeGreaterThan(10);
    }
  });

  it('has no dead entry: every id or glob matches a generated operator', () => {
    const ids = allOperators().map((o) => o.id);
    for (const e of ledger.entries) {
      for (const p of e.operators) expect(ids.some((id) => new Ledger([{ ...e, operators: [p] }]).explain(id) !== undefined), p).toBe(true);
    }
  });

  it('refuses an entry without a source', () => {
    expect(() => new Ledger([{ operators: ['x'], why: 'because it is fine' }])).toThrow(/docUrl \+ quote/);
  });
});

/** Each requirement added (or sharpened) to close a gap, and a generated mutant only it must catch. */
const GAP_KILLS: Array<[string, string]> = [
  ['TOKEN-TIMES', 'm2m.times:shift-3600'],
  ['TOKEN-TIMES', 'id.auth_time:edit:-60'],
  ['ACCESS-OPTIONAL-CLAIMS', 'access.email:add-absent'],
  ['ID-UPDATED-AT', 'id.updated_at:edit:+1'],
  ['ID-ORG-CODES', 'id.org_codes:add-absent'],
  ['ID-AUD-ARRAY', 'id.aud:edit:remove'],
  ['RESP-CONSISTENT', 'response.expires_in:edit:+60'],
  ['RESP-CONSISTENT', 'response.scope:edit:ws-trailing'],
  ['RESP-SHAPE', 'response.token_type:edit:insert@start@refresh'],
  ['TOKEN-NO-FOREIGN-CLAIMS', 'm2m+permissions:add'],
  ['SIG-JWK-USE', 'jwks.use:drop'],
  ['SIG-KID-IN-JWKS', 'jwks.keys:duplicate-kid'],
  // Strict decoding: a token with trailing whitespace is no compact JWS (caught before its signature is tried).
  ['TOKEN-WELL-FORMED', 'response.access_token:edit:ws-trailing'],
  ['CLAIMS-REQUIRED-ID', 'id.jti:drop@refresh'],
  ['ACCESS-BILLING-TRIAL', 'access.has_trial_period:edit:negate'],
  ['ACCESS-ROLES', 'access.roles:edit:replace'],
  ['RT-CLIENT-BOUND', 'refresh:other-client-accepted'],
  ['ACCESS-FLAGS', 'access.feature_flags:edit:rename-key'],
  ['ID-REFRESH-CLAIMS', 'id.name:edit:insert@start@refresh'],
];

describe('requirements added to close gaps catch the mutants they were written for', () => {
  for (const [requirement, operator] of GAP_KILLS) {
    it(`${requirement} kills ${operator}`, async () => {
      const checks = ALL_CHECKS.filter((c) => c.requirements.includes(requirement));
      const [result] = await runMutants({
        createTarget: () => new ReferenceAdapter(),
        operators: selectOperators(operator),
        ledger: new Ledger([]),
        seed: SEED,
        runs: 10,
        escalateRuns: 50,
        concurrency: 1,
        checks,
      });
      const expected = severityFor(await new ReferenceAdapter().start(), requirement) === 'warning' ? 'WARNING' : 'FAILED';
      expect(result!.detection, `${operator}: ${JSON.stringify(result)}`).toMatchObject({ requirement, verdict: expected });
    });
  }
});

describe(`a seeded sample of ${SAMPLE} mutants (seed ${SEED}, ${RUNS} runs)`, () => {
  it('against the reference in-process: the control passes, every survivor is ledgered, most are killed', async () => {
    const operators = sampleOperators(allOperators(), SAMPLE, SEED);
    const outcome = await runCampaign({ createTarget: () => new ReferenceAdapter(), operators, ledger: loadLedger(), seed: SEED, runs: RUNS, concurrency: 2 });
    const r = buildResults(outcome, meta('reference', RUNS));
    expect(outcome.control, JSON.stringify(outcome.control.failures)).toMatchObject({ passed: true });
    expect(r.mutants).toHaveLength(operators.length);
    expect(r.unexplained, renderSummary(r)).toEqual([]);
    // A broken engine (nothing applied) would leave everything unexercised, not killed.
    expect(r.summary.killed + r.summary.errored, renderSummary(r)).toBeGreaterThanOrEqual(Math.floor(SAMPLE * 0.6));
    expect(r.summary.errored, renderSummary(r)).toBe(0);
    console.log(renderSummary(r));
  });

  it('an unexplained survivor is reported and fails: an equivalent mutant without its ledger entry', async () => {
    const outcome = await runCampaign({ createTarget: () => new ReferenceAdapter(), operators: selectOperators('access.jti:edit:other-id'), ledger: new Ledger([]), seed: SEED, runs: 2, escalateRuns: 0, concurrency: 1 });
    const r = buildResults(outcome, meta('reference', 2));
    expect(r.unexplained).toEqual(['access.jti:edit:other-id']);
    expect(renderSummary(r)).toMatch(/UNEXPLAINED SURVIVORS[\s\S]*access\.jti:edit:other-id/);
  });
});

describe('power against serve over http', () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, log: () => {} });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('wraps an HttpAdapter: the control passes over HTTP and mutants are killed or ledgered', async () => {
    const operators = selectOperators('access.sub:edit:other-id,m2m.times:shift+60,refresh:not-rotated,response.token_type:edit:lower,discovery.issuer:edit:trailing-slash,response.headers.pragma:drop');
    const outcome = await runCampaign({ createTarget: () => new HttpAdapter({ targetUrl: server.url, timeoutMs: 10_000 }), operators, ledger: loadLedger(), seed: SEED, runs: 2, concurrency: 2 });
    const r = buildResults(outcome, meta('http', 2));
    expect(outcome.control, JSON.stringify(outcome.control.failures)).toMatchObject({ passed: true });
    expect(r.unexplained, renderSummary(r)).toEqual([]);
    const byId = Object.fromEntries(r.mutants.map((m) => [m.id, m.status]));
    expect(byId).toMatchObject({ 'access.sub:edit:other-id': 'killed', 'm2m.times:shift+60': 'killed', 'refresh:not-rotated': 'killed', 'response.token_type:edit:lower': 'equivalent', 'discovery.issuer:edit:trailing-slash': 'killed', 'response.headers.pragma:drop': 'killed' });
  });
});

describe('the power command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ktc-power-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes mutation-results.json and mutation-report.html and exits 0 when every survivor is explained', async () => {
    const code = await powerCommand(['--target=reference', '--operators=access.sub:drop,jwks.alg:drop', '--runs=2', '--escalate-runs=0', '--seed=3', `--report-dir=${dir}`]);
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'mutation-results.json'), 'utf8'));
    expect(results.mutants.map((m: { id: string; status: string }) => `${m.id} ${m.status}`)).toEqual(['access.sub:drop killed', 'jwks.alg:drop equivalent']);
    const html = readFileSync(join(dir, 'mutation-report.html'), 'utf8');
    expect(html).toContain('access.sub:drop');
    expect(html).toContain('RFC 7517 §4.4');
    expect(existsSync(join(dir, 'mutation-report.html'))).toBe(true);
  });

  it('exits 2 with the usage on a bad option, an unknown operator or an unknown target', async () => {
    expect(await powerCommand(['--runs=zero'])).toBe(2);
    expect(await powerCommand(['--operators=nope:*'])).toBe(2);
    expect(await powerCommand(['--target=nope', '--operators=access.sub:drop'])).toBe(2);
    expect(await powerCommand(['--target=http', '--operators=access.sub:drop'])).toBe(2);
  });

  it('exits 3 when an http target cannot be reached', async () => {
    expect(await powerCommand(['--target=http', '--target-url=http://127.0.0.1:9', '--timeout=2000', '--operators=access.sub:drop'])).toBe(3);
  });
});
