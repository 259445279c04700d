import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareResults,
  diffLines,
  mergeResults,
  MergeError,
  redact,
  renderBadge,
  renderHtml,
  renderJUnit,
  renderMarkdown,
  renderTerminalSummary,
  reportCommand,
  ResultsValidationError,
  summarize,
  validateResults,
  writeReports,
  writeStepSummary,
} from '../reports/index.js';
import type { RequirementResult, RunResults, Verdict } from '../reports/index.js';

const SECRET = 'SECRET-abc123';
const HOSTILE = '</script><img src=x onerror=alert(1)>';

function fixture(name: 'pass' | 'fail'): RunResults {
  const data: unknown = JSON.parse(readFileSync(new URL(`./fixtures/results-${name}.json`, import.meta.url), 'utf8'));
  validateResults(data);
  return data;
}

const FIXTURES = { pass: fixture('pass'), fail: fixture('fail') };

function withRequirements(base: RunResults, requirements: RequirementResult[]): RunResults {
  return { ...base, requirements, summary: summarize(requirements) };
}

function req(results: RunResults, id: string): RequirementResult {
  const r = results.requirements.find((x) => x.id === id);
  if (!r) throw new Error(`fixture has no requirement ${id}`);
  return r;
}

/** The fail fixture with attacker-controlled text in every untrusted field we render. */
function hostile(): RunResults {
  const copy = structuredClone(FIXTURES.fail);
  const wf = req(copy, 'WF-PROHIBITED-ACCESS');
  const c = wf.failure!.counterexample!;
  c.token!.payload['name'] = HOSTILE;
  c.actual = { iss: HOSTILE };
  c.workflows = [`${c.workflows![0]}\n// ${HOSTILE}`];
  wf.failure!.message = `claim was ${HOSTILE}`;
  wf.failure!.replay = `npx x --only='${HOSTILE}'`;
  wf.statement = `statement ${HOSTILE}`;
  c.commands = [`refresh(${HOSTILE})`];
  req(copy, 'SIG-KID-IN-JWKS').reason = HOSTILE;
  copy.target.name = `evil ${HOSTILE}`;
  req(copy, 'AT-ISS-ISSUER').source = { url: 'javascript:alert(1)', quote: HOSTILE };
  return copy;
}

/** Every output format for one run, rendered the way writeReports renders them. */
function allFormats(results: RunResults): Record<string, string> {
  const safe = redact(results);
  return {
    json: JSON.stringify(safe),
    html: renderHtml(safe),
    junit: renderJUnit(safe),
    markdown: renderMarkdown(safe),
    badge: JSON.stringify(renderBadge(safe)),
    terminal: renderTerminalSummary(safe, { color: false }),
  };
}

/**
 * A small XML well-formedness check: one root, properly nested and closed
 * elements, quoted attributes without `<`, and `&` only in entities.
 * Returns how often each element name occurs.
 */
function checkXml(xml: string): Map<string, number> {
  const counts = new Map<string, number>();
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const stack: string[] = [];
  let roots = 0;
  let pos = 0;
  while (pos < body.length) {
    token.lastIndex = pos;
    const m = token.exec(body);
    if (!m) throw new Error(`not well-formed at offset ${pos}: ${JSON.stringify(body.slice(pos, pos + 40))}`);
    pos = token.lastIndex;
    const [whole, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (text.replace(entity, '').includes('&')) throw new Error(`bare & in text: ${text.slice(0, 60)}`);
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text.slice(0, 60)}`);
      continue;
    }
    if ((attrs ?? '').replace(entity, '').includes('&')) throw new Error(`bare & in attribute: ${whole}`);
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    counts.set(name!, (counts.get(name!) ?? 0) + 1);
    if (!selfClosing) stack.push(name!);
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) throw new Error(`expected one root element, found ${roots}`);
  return counts;
}

function htmlCounts(html: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of html.matchAll(/data-verdict-count="([A-Z_]+)">(\d+)</g)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('schema', () => {
  it('accepts both fixtures', () => {
    for (const f of Object.values(FIXTURES)) expect(() => validateResults(structuredClone(f))).not.toThrow();
  });

  it('rejects malformed results and names where', () => {
    const bad = structuredClone(FIXTURES.fail) as unknown as { requirements: Array<Record<string, unknown>> };
    bad.requirements[0]!['verdict'] = 'MAYBE';
    delete bad.requirements[1]!['source'];
    expect(() => validateResults(bad)).toThrow(ResultsValidationError);
    try {
      validateResults(bad);
    } catch (e) {
      expect((e as ResultsValidationError).code).toBe('ERR_RESULTS_INVALID');
      expect((e as Error).message).toContain('/requirements/0/verdict');
      expect((e as Error).message).toContain("/requirements/1: must have required property 'source'");
    }
  });

  it('rejects a summary that does not match the requirements, and duplicate ids', () => {
    const stale = structuredClone(FIXTURES.fail);
    stale.summary.FAILED += 1;
    expect(() => validateResults(stale)).toThrow(/summary\/FAILED/);
    const dup = structuredClone(FIXTURES.pass);
    dup.requirements.push(structuredClone(dup.requirements[0]!));
    dup.summary = summarize(dup.requirements);
    expect(() => validateResults(dup)).toThrow(/duplicate requirement id "SIG-RS256"/);
  });
});

describe('redaction', () => {
  it('the fixtures really carry the secret (so the next test can fail)', () => {
    expect(JSON.stringify(FIXTURES.fail)).toContain(SECRET);
    expect(JSON.stringify(FIXTURES.pass)).toContain(SECRET);
  });

  it.each(['pass', 'fail'] as const)('no output format of the %s fixture contains the client secret', (name) => {
    const input = structuredClone(FIXTURES[name]);
    // The secret also leaks into free text, as a careless producer might write it.
    req(input, 'FF-JSON-TYPE').failure!.message += ` (client_secret=${SECRET}-should-never-appear)`;
    for (const [format, text] of Object.entries(allFormats(input))) {
      expect(text, format).not.toContain(SECRET);
    }
    expect(JSON.stringify(input)).toContain(SECRET); // input untouched
  });

  it('removes JWK private members, PEM private keys, refresh tokens and passwords, keeps the rest', () => {
    const input = structuredClone(FIXTURES.fail);
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    req(input, 'RT-ROTATION').failure!.counterexample!.request = {
      refresh_token: 'rt_0123456789',
      password: 'hunter22',
      key: { kty: 'RSA', kid: 'k1', n: 'modulus', e: 'AQAB', d: 'private-exponent', p: 'prime-p', q: 'prime-q', dp: 'x1', dq: 'x2', qi: 'x3' },
      note: `key follows ${pem} end`,
    };
    const out = redact(input);
    const request = req(out, 'RT-ROTATION').failure!.counterexample!.request as Record<string, unknown>;
    expect(request['refresh_token']).toBe('[redacted]');
    expect(request['password']).toBe('[redacted]');
    expect(request['key']).toEqual({ kty: 'RSA', kid: 'k1', n: 'modulus', e: 'AQAB', d: '[redacted]', p: '[redacted]', q: '[redacted]', dp: '[redacted]', dq: '[redacted]', qi: '[redacted]' });
    expect(request['note']).toBe('key follows [redacted] end');
    // Numbers under secret-looking keys are durations, not secrets.
    const tenant = req(out, 'ORGM2M-ORG-CODE-FIXED').failure!.counterexample!.tenant as { applications: Array<{ clientSecret: string; lifetimes: { refreshToken: number } }> };
    expect(tenant.applications[0]!.lifetimes.refreshToken).toBe(1_296_000);
    expect(tenant.applications[0]!.clientSecret).toBe('[redacted]');
    // Ordinary claims named like JWK members outside a JWK are left alone.
    expect(req(out, 'AT-AUD-REQUESTED')).toEqual(req(input, 'AT-AUD-REQUESTED'));
  });
});

describe('HTML', () => {
  it.each(['pass', 'fail'] as const)('%s: every requirement once, counts equal the summary, score shown', (name) => {
    const results = FIXTURES[name];
    const html = renderHtml(redact(results));
    for (const r of results.requirements) {
      const rows = html.match(new RegExp(`data-requirement-id="${r.id}" data-verdict="${r.verdict}"`, 'g'));
      expect(rows, r.id).toHaveLength(1);
    }
    expect(html.match(/data-requirement-id=/g)).toHaveLength(results.requirements.length);
    const counts = htmlCounts(html);
    for (const v of ['PASSED', 'FAILED', 'WARNING', 'NOT_APPLICABLE', 'ERRORED'] as Verdict[]) {
      expect(counts[v], v).toBe(results.summary[v]);
    }
    expect(html).toContain(`${results.summary.score}% conforming`);
    expect(html).toContain(results.target.name);
    expect(html).toContain(String(results.seed));
  });

  it('loads nothing from the network: no external src/href outside doc anchors, CSP blocks the rest', () => {
    for (const results of [FIXTURES.pass, FIXTURES.fail, hostile()]) {
      const html = renderHtml(redact(results), { compareWith: FIXTURES.pass });
      const tags = [...html.matchAll(/<(link|script|img|iframe|source|video|audio|object|embed|use|image)\b[^>]*>/gi)].map((m) => m[0]);
      expect(tags.length).toBeGreaterThan(0);
      for (const tag of tags) expect(tag).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
      expect(html).not.toMatch(/@import/i);
      for (const m of html.matchAll(/\bhref="([^"]*)"/g)) {
        const href = m[1]!;
        if (href.startsWith('#') || href === 'data:,') continue;
        expect(href, 'only docs links may point outside').toMatch(/^https:\/\/docs\.kinde\.com\//);
      }
      expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
    }
  });

  it('escapes hostile text everywhere, including inside the embedded JSON', () => {
    const html = renderHtml(redact(hostile()));
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('<span class="doc">javascript:alert(1)</span>');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    // Exactly our two script elements open and close; the data block cannot be terminated early.
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<\/script>/gi)).toHaveLength(2);
    const data = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)?.[1];
    expect(data).toBeDefined();
    expect(data).toContain('\\u003c/script\\u003e');
    const parsed = JSON.parse(data!) as RunResults;
    expect(req(parsed, 'WF-PROHIBITED-ACCESS').failure!.counterexample!.token!.payload['name']).toBe(HOSTILE);
  });

  it('shows failures and warnings in separate sections with counterexample, diff, workflow and replay', () => {
    const html = renderHtml(redact(FIXTURES.fail));
    const failures = html.slice(html.indexOf('data-section="failures"'), html.indexOf('data-section="warnings"'));
    const warnings = html.slice(html.indexOf('data-section="warnings"'), html.indexOf('data-section="others"'));
    for (const r of FIXTURES.fail.requirements) {
      const where = `data-requirement-id="${r.id}"`;
      expect(failures.includes(where), r.id).toBe(r.verdict === 'FAILED' || r.verdict === 'ERRORED');
      expect(warnings.includes(where), r.id).toBe(r.verdict === 'WARNING');
    }
    const wf = req(FIXTURES.fail, 'WF-PROHIBITED-ACCESS');
    expect(failures).toContain('<blockquote>You cannot modify the standard claims');
    expect(failures).toContain('href="https://docs.kinde.com/workflows/getting-started/workflows-with-tokens/"');
    expect(failures).toContain('accessTokenCustomClaims&lt;{ iss: string }&gt;()');
    expect(failures).toContain(`data-copy="${wf.id}"`);
    expect(failures).toContain('npx kinde-token-conformance run --target=reference --seed=1337 --path=&quot;7:2&quot;');
    expect(failures).toMatch(/<span class="dl del">.*&quot;iss&quot;: &quot;https:\/\/acme\.kinde\.com&quot;,<\/span>/);
    expect(failures).toMatch(/<span class="dl add">.*&quot;iss&quot;: &quot;https:\/\/attacker\.example&quot;,<\/span>/);
    expect(failures).toContain('refresh(token=#1) -&gt; #2');
    expect(warnings).toContain('The docs disagree.');
  });

  it('lists regressions first, then fixes, in "Changes since base"', () => {
    const head = structuredClone(FIXTURES.pass);
    req(head, 'SIG-RS256').verdict = 'FAILED';
    req(head, 'AT-ISS-ISSUER').verdict = 'WARNING';
    const headResults = withRequirements(head, head.requirements);
    const base = structuredClone(FIXTURES.pass);
    req(base, 'ID-ORG-CODES').verdict = 'FAILED';
    const html = renderHtml(headResults, { compareWith: withRequirements(base, base.requirements) });
    expect(html).toContain('Changes since base');
    const regression = html.indexOf('data-change="regression" data-change-id="SIG-RS256"');
    const fix = html.indexOf('data-change="fix" data-change-id="ID-ORG-CODES"');
    const changed = html.indexOf('data-change="changed" data-change-id="AT-ISS-ISSUER"');
    expect(regression).toBeGreaterThan(0);
    expect(fix).toBeGreaterThan(regression);
    expect(changed).toBeGreaterThan(fix);
    expect(renderHtml(headResults)).not.toContain('Changes since base');
  });
});

describe('JUnit', () => {
  it.each(['pass', 'fail'] as const)('%s: well-formed, one testcase per requirement, right failures/errors/skipped', (name) => {
    const results = FIXTURES[name];
    const xml = renderJUnit(redact(results));
    const counts = checkXml(xml);
    const s = results.summary;
    expect(counts.get('testsuites')).toBe(1);
    expect(counts.get('testsuite')).toBe(new Set(results.requirements.map((r) => r.area)).size);
    expect(counts.get('testcase') ?? 0).toBe(s.total);
    expect(counts.get('failure') ?? 0).toBe(s.FAILED);
    expect(counts.get('error') ?? 0).toBe(s.ERRORED);
    expect(counts.get('skipped') ?? 0).toBe(s.NOT_APPLICABLE);
    expect(counts.get('system-out') ?? 0).toBe(s.WARNING);
    expect(xml).toContain(`<testsuites name="kinde-token-conformance: ${results.target.name} ${results.target.version}" tests="${s.total}" failures="${s.FAILED}" errors="${s.ERRORED}" skipped="${s.NOT_APPLICABLE}"`);
    for (const r of results.requirements) expect(xml).toContain(`<testcase classname="${r.area}" name="${r.id}: `);
  });

  it('strict runs turn warnings into failures of type "warning"', () => {
    const strict = { ...FIXTURES.fail, strict: true };
    const counts = checkXml(renderJUnit(redact(strict)));
    expect(counts.get('failure')).toBe(strict.summary.FAILED + strict.summary.WARNING);
    expect(counts.get('system-out') ?? 0).toBe(0);
    expect(renderJUnit(strict).match(/<failure message="[^"]*" type="warning">/g)).toHaveLength(strict.summary.WARNING);
  });

  it('stays well-formed with hostile text and control characters', () => {
    const h = hostile();
    req(h, 'AT-AUD-REQUESTED').failure!.message = 'bell \u0007 & "quotes" \'single\' ]]> \uFFFF';
    const xml = renderJUnit(redact(h));
    expect(() => checkXml(xml)).not.toThrow();
    expect(xml).not.toContain('\u0007');
    expect(xml).not.toContain('<img');
    expect(xml).toContain('not applicable: target lacks capability properties');
  });

  it('the well-formedness check itself rejects broken XML', () => {
    expect(() => checkXml('<a><b></a></b>')).toThrow();
    expect(() => checkXml('<a x="1 & 2"/>')).toThrow();
    expect(() => checkXml('<a>1 < 2</a>')).toThrow();
    expect(() => checkXml('<a/><b/>')).toThrow();
  });
});

describe('Markdown', () => {
  it('has the summary line, a table per area, failures with replay commands, warnings apart', () => {
    const results = FIXTURES.fail;
    const md = renderMarkdown(redact(results));
    expect(md.split('\n')[2]).toMatch(/^\*\*72\.2% conforming \(18 of 20 applicable\)\*\*: ✅ 11 passed · ❌ 4 failed · 💥 1 errored · ⚠️ 2 warning · ➖ 2 not applicable/);
    const failuresAt = md.indexOf('### Failures (5)');
    const warningsAt = md.indexOf('### Warnings (2)');
    const areasAt = md.indexOf('### Requirements by area');
    expect(failuresAt).toBeGreaterThan(0);
    expect(warningsAt).toBeGreaterThan(failuresAt);
    expect(areasAt).toBeGreaterThan(warningsAt);
    for (const r of results.requirements) {
      expect(md).toMatch(new RegExp(`^\\| \`${r.id}\` \\| \\S+ ${r.verdict === 'NOT_APPLICABLE' ? 'not applicable' : r.verdict.toLowerCase()} \\|`, 'm'));
      if (r.failure) {
        const section = r.verdict === 'WARNING' ? md.slice(warningsAt, areasAt) : md.slice(failuresAt, warningsAt);
        expect(section).toContain(r.failure.replay);
      }
    }
    expect(md.slice(failuresAt, warningsAt)).not.toContain('FF-JSON-TYPE');
    expect(md.match(/^\| ID \| Verdict \| Statement \|$/gm)).toHaveLength(new Set(results.requirements.map((r) => r.area)).size);
  });

  it('escapes HTML and table-breaking characters', () => {
    const md = renderMarkdown(redact(hostile()));
    // Inside fenced code blocks text is literal; everywhere else it must be escaped.
    const fences = [...md.matchAll(/^(`{3,})sh\n([^]*?)\n\1$/gm)];
    expect(fences.map((f) => f[2])).toContain(`npx x --only='${HOSTILE}'`);
    const prose = fences.reduce((text, f) => text.replace(f[0], ''), md);
    expect(prose).not.toContain('<img');
    expect(md).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    const row = md.split('\n').find((l) => l.startsWith('| `WF-PROHIBITED-ACCESS`'));
    expect(row?.match(/(?<!\\)\|/g)).toHaveLength(4);
  });

  it('writeStepSummary appends to $GITHUB_STEP_SUMMARY, and only when it is set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ktc-summary-'));
    try {
      const file = join(dir, 'summary.md');
      await writeFile(file, 'earlier step\n');
      expect(await writeStepSummary('# one', { GITHUB_STEP_SUMMARY: file })).toBe(true);
      expect(await writeStepSummary('# two\n', { GITHUB_STEP_SUMMARY: file })).toBe(true);
      expect(await readFile(file, 'utf8')).toBe('earlier step\n# one\n# two\n');
      expect(await writeStepSummary('# three', {})).toBe(false);
      expect(await readFile(file, 'utf8')).toBe('earlier step\n# one\n# two\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('badge', () => {
  it('shows the score of the applicable requirements, the n/a count beside it, and is red whenever anything failed', () => {
    expect(renderBadge(FIXTURES.fail)).toEqual({ schemaVersion: 1, label: 'kinde tokens', message: '72.2% conforming (18 of 20 applicable)', color: 'red' });
    const onlyWarnings = FIXTURES.fail.requirements.map((r) => ({ ...r, verdict: r.verdict === 'FAILED' || r.verdict === 'ERRORED' ? ('PASSED' as const) : r.verdict }));
    expect(renderBadge(withRequirements(FIXTURES.fail, onlyWarnings))).toMatchObject({ color: 'brightgreen' });
    const fewApplicable = FIXTURES.pass.requirements.map((r, i) => (i < 3 ? r : { ...r, verdict: 'NOT_APPLICABLE' as const }));
    const applicable = fewApplicable.filter((r) => r.verdict !== 'NOT_APPLICABLE').length;
    expect(applicable).toBeLessThan(4);
    expect(renderBadge(withRequirements(FIXTURES.pass, fewApplicable)).message).toBe(`100% conforming (${applicable} of ${FIXTURES.pass.requirements.length} applicable)`);
    expect(renderBadge(FIXTURES.pass)).toEqual({ schemaVersion: 1, label: 'kinde tokens', message: '100% conforming (19 of 20 applicable)', color: 'brightgreen' });
    const allFailed = FIXTURES.fail.requirements.map((r) => ({ ...r, verdict: 'FAILED' as const }));
    expect(renderBadge(withRequirements(FIXTURES.fail, allFailed))).toMatchObject({ message: '0% conforming', color: 'red' });
    const noneApplicable = FIXTURES.fail.requirements.map((r) => ({ ...r, verdict: 'NOT_APPLICABLE' as const }));
    expect(renderBadge(withRequirements(FIXTURES.fail, noneApplicable))).toMatchObject({ message: 'nothing applicable: not checked', color: 'lightgrey' });
  });
});

describe('terminal summary', () => {
  it('lists areas, failures with replay commands, warnings apart, totals last; colour only when asked', () => {
    const results = redact(FIXTURES.fail);
    const plain = renderTerminalSummary(results, { color: false });
    expect(plain).not.toContain('\x1b');
    expect(plain).toMatch(/^ {2}Workflows +1 passed · 1 failed · 0 warn · 0 n\/a · 0 errored$/m);
    const lines = plain.split('\n');
    expect(lines.at(-1)).toBe('20 requirements: 11 passed, 4 failed, 2 warning, 2 not applicable, 1 errored — 72.2% conforming (18 of 20 applicable)');
    const failuresAt = plain.indexOf('Failures (5)');
    const warningsAt = plain.indexOf('Warnings (2)');
    expect(warningsAt).toBeGreaterThan(failuresAt);
    for (const r of results.requirements) {
      if (r.verdict === 'FAILED') expect(plain.slice(failuresAt, warningsAt)).toContain(`replay: ${r.failure!.replay}`);
      if (r.verdict === 'WARNING') expect(plain.slice(warningsAt)).toContain(r.id);
    }
    const colored = renderTerminalSummary(results, { color: true });
    expect(colored).toContain('\x1b[31m');
    expect(colored.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });

  it('neutralises control characters from untrusted text', () => {
    const h = structuredClone(FIXTURES.fail);
    req(h, 'AT-AUD-REQUESTED').failure!.message = 'evil \x1b[2J\x1b]0;title\x07';
    expect(renderTerminalSummary(h, { color: false })).not.toContain('\x1b');
  });
});

describe('merge and compare', () => {
  it('merging a run split into two shards gives back the original verdicts and summary', () => {
    const original = FIXTURES.fail;
    const a = original.requirements.filter((_, i) => i % 2 === 0);
    const b = original.requirements.filter((_, i) => i % 2 === 1);
    // One requirement checked in both shards: shard 1 saw it pass, shard 2 failed it.
    const shared = req(original, 'WF-PROHIBITED-ACCESS');
    const sharedPassing: RequirementResult = { ...shared, verdict: 'PASSED', tests: ['other test'], runs: 10, durationMs: 5 };
    delete sharedPassing.failure;
    const shards = [
      { ...withRequirements(original, [...a, sharedPassing].filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i)), shard: { index: 1, count: 2 } },
      { ...withRequirements(original, b), shard: { index: 2, count: 2 } },
    ];
    expect(shards[0]!.requirements.some((r) => r.id === shared.id) && shards[1]!.requirements.some((r) => r.id === shared.id)).toBe(true);
    const merged = mergeResults(shards);
    validateResults(merged);
    expect(merged.shard).toBeUndefined();
    expect(Object.fromEntries(merged.requirements.map((r) => [r.id, r.verdict]))).toEqual(
      Object.fromEntries(original.requirements.map((r) => [r.id, r.verdict])),
    );
    expect(merged.summary).toEqual(original.summary);
    const m = req(merged, shared.id);
    expect(m.failure).toEqual(shared.failure);
    expect(m.runs).toBe(shared.runs + 10);
    expect(m.tests).toEqual(['other test', ...shared.tests]);
  });

  it('combines verdicts by precedence FAILED > ERRORED > WARNING > PASSED > NOT_APPLICABLE', () => {
    const order: Verdict[] = ['FAILED', 'ERRORED', 'WARNING', 'PASSED', 'NOT_APPLICABLE'];
    const base = req(FIXTURES.pass, 'SIG-RS256');
    for (const [i, x] of order.entries()) {
      for (const [j, y] of order.entries()) {
        const shard = (v: Verdict) => withRequirements(FIXTURES.pass, [{ ...base, verdict: v }]);
        expect(mergeResults([shard(x), shard(y)]).requirements[0]!.verdict, `${x}+${y}`).toBe(order[Math.min(i, j)]);
      }
    }
  });

  it('refuses shards of different runs', () => {
    expect(() => mergeResults([FIXTURES.pass, { ...FIXTURES.pass, seed: 7 }])).toThrow(MergeError);
    expect(() => mergeResults([FIXTURES.pass, { ...FIXTURES.pass, seed: 7 }])).toThrow(/seed is 7, shard 1 has 1337/);
    expect(() => mergeResults([FIXTURES.pass, FIXTURES.fail])).toThrow(/target name/);
    expect(() => mergeResults([])).toThrow(expect.objectContaining({ code: 'ERR_MERGE_EMPTY' }));
  });

  it('compare finds an introduced regression, fixes, other changes, added and removed', () => {
    const base = FIXTURES.pass;
    expect(compareResults(base, base)).toEqual({ regressions: [], fixes: [], changed: [], added: [], removed: [] });
    const head = structuredClone(base);
    req(head, 'AT-EXP-LIFETIME').verdict = 'FAILED';
    req(head, 'SIG-RS256').verdict = 'ERRORED';
    req(head, 'ID-ORG-CODES').verdict = 'WARNING';
    const added = { ...req(head, 'TR-TOKEN-TYPE-BEARER'), id: 'TR-NEW' };
    head.requirements = head.requirements.filter((r) => r.id !== 'M2M-NO-USER-CLAIMS').concat(added);
    const cmp = compareResults(base, withRequirements(head, head.requirements));
    expect(cmp.regressions.map((c) => [c.id, c.base, c.head])).toEqual([
      ['SIG-RS256', 'PASSED', 'ERRORED'],
      ['AT-EXP-LIFETIME', 'PASSED', 'FAILED'],
    ]);
    expect(cmp.changed.map((c) => c.id)).toEqual(['ID-ORG-CODES']);
    expect(cmp.added.map((c) => c.id)).toEqual(['TR-NEW']);
    expect(cmp.removed.map((c) => c.id)).toEqual(['M2M-NO-USER-CLAIMS']);
    expect(compareResults(withRequirements(head, head.requirements), base).fixes.map((c) => c.id)).toEqual(['SIG-RS256', 'AT-EXP-LIFETIME']);
  });

  it('diffLines aligns common lines', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'del', text: 'b' },
      { op: 'add', text: 'x' },
      { op: 'same', text: 'c' },
    ]);
  });
});

describe('writeReports and reportCommand', () => {
  async function tempDir(): Promise<string> {
    return mkdtemp(join(tmpdir(), 'ktc-reports-'));
  }
  function capture() {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: {}, color: false } };
  }

  it('writes all five files, validated and redacted', async () => {
    const dir = await tempDir();
    try {
      const paths = await writeReports(FIXTURES.fail, join(dir, 'nested', 'out'));
      expect(Object.keys(paths).sort()).toEqual(['badge', 'html', 'json', 'junit', 'markdown']);
      for (const p of Object.values(paths)) expect(await readFile(p, 'utf8')).not.toContain(SECRET);
      const json: unknown = JSON.parse(await readFile(paths.json, 'utf8'));
      validateResults(json);
      expect(json).toEqual(redact(FIXTURES.fail));
      expect(JSON.parse(await readFile(paths.badge, 'utf8'))).toEqual(renderBadge(FIXTURES.fail));
      checkXml(await readFile(paths.junit, 'utf8'));
      await expect(writeReports({ ...FIXTURES.fail, seed: 1.5 }, dir)).rejects.toThrow(ResultsValidationError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('returns 2 and names the file when it is missing, not JSON, or not results', async () => {
    const dir = await tempDir();
    try {
      const missing = join(dir, 'nope.json');
      let c = capture();
      expect(await reportCommand([missing, '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain(`cannot read results file ${missing}: no such file`);
      const broken = join(dir, 'broken.json');
      await writeFile(broken, '{"schemaVersion": 1,');
      c = capture();
      expect(await reportCommand([broken, '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain(`${broken} is not valid JSON`);
      const wrong = join(dir, 'wrong.json');
      await writeFile(wrong, JSON.stringify({ ...FIXTURES.pass, seed: 'x' }));
      c = capture();
      expect(await reportCommand([wrong, '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain(`${wrong}: results do not match the RunResults schema`);
      expect(c.out.stderr).toContain('/seed: must be integer');
      c = capture();
      expect(await reportCommand(['--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain('no results file given');
      c = capture();
      expect(await reportCommand(['--bogus'], c.io)).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renders a run and exits like the run: 1 with failures, 0 when conforming', async () => {
    const dir = await tempDir();
    try {
      const fail = new URL('./fixtures/results-fail.json', import.meta.url).pathname;
      const pass = new URL('./fixtures/results-pass.json', import.meta.url).pathname;
      let c = capture();
      expect(await reportCommand([fail, '--out', join(dir, 'f'), '--compare', pass], c.io)).toBe(1);
      expect(c.out.stdout).toContain('72.2% conforming');
      expect(c.out.stdout).toContain('Since base: 5 regressions');
      expect(c.out.stdout).toContain(join(dir, 'f', 'report.html'));
      expect(c.out.stdout).not.toContain(SECRET);
      expect(await readFile(join(dir, 'f', 'report.html'), 'utf8')).toContain('Changes since base');
      c = capture();
      expect(await reportCommand([pass, '--out', join(dir, 'p')], c.io)).toBe(0);
      const strictPass = join(dir, 'strict.json');
      await writeFile(strictPass, JSON.stringify({ ...FIXTURES.pass, strict: true }));
      c = capture();
      expect(await reportCommand([strictPass, '--out', join(dir, 's')], c.io)).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('merges several files as shards and refuses mismatched ones', async () => {
    const dir = await tempDir();
    try {
      const r = FIXTURES.fail.requirements;
      const s1 = join(dir, 's1.json');
      const s2 = join(dir, 's2.json');
      await writeFile(s1, JSON.stringify({ ...withRequirements(FIXTURES.fail, r.slice(0, 8)), shard: { index: 1, count: 2 } }));
      await writeFile(s2, JSON.stringify({ ...withRequirements(FIXTURES.fail, r.slice(8)), shard: { index: 2, count: 2 } }));
      let c = capture();
      expect(await reportCommand([s1, s2, '--out', dir], c.io)).toBe(1);
      const merged: unknown = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
      validateResults(merged);
      expect(merged.summary).toEqual(FIXTURES.fail.summary);
      const other = join(dir, 'other.json');
      await writeFile(other, JSON.stringify({ ...FIXTURES.pass, seed: 99 }));
      c = capture();
      expect(await reportCommand([s1, other, '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain('seed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
