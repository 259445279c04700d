// The HTML report.
import { describe, expect, it } from 'vitest';
import { redact, renderHtml } from '../reports/index.js';
import type { RunResults, Verdict } from '../reports/index.js';
import { HOSTILE, FIXTURES, withRequirements, req, hostile, htmlCounts } from './lib/reports-fixtures.js';

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

  it('a failure card shows both sides of a comparison and the seed its replay uses; the first screen names what failed', () => {
    const results = structuredClone(FIXTURES.fail);
    const failing = results.requirements.find((r) => r.failure)!;
    const token = (jti: string, sub: string) => ({ header: { alg: 'RS256', kid: 'k1' }, payload: { jti, sub } });
    failing.failure!.seed = -2013002851; // the check's derived seed
    failing.failure!.replay = `npx kinde-token-conformance run --target=reference --seed=1 --runs=100 --only=${failing.id} --path=1:0`;
    failing.failure!.counterexample = {
      requirement: failing.id,
      message: `${failing.id}: id token #1 has the same jti as access token #1: j-1`,
      claim: 'jti',
      actual: 'j-1',
      token: token('j-1', 'kp_id_side'),
      compared: { label: 'access token #1', token: token('j-1', 'kp_access_side') },
    };
    const html = renderHtml(redact(results));
    const card = html.slice(html.indexOf(`id="req-${failing.id}"`)).split('</details>')[0]!;
    expect(card).toContain('Compared with: access token #1');
    expect(card).toContain('kp_id_side');
    expect(card).toContain('kp_access_side');
    expect(card).toContain('seed <code>1</code>');
    expect(card).not.toContain('-2013002851');
    const firstScreen = html.slice(0, html.indexOf('id="matrix-h"'));
    for (const r of results.requirements.filter((x) => x.verdict === 'FAILED' || x.verdict === 'ERRORED').slice(0, 12)) expect(firstScreen, r.id).toContain(`data-first-failure="${r.id}"`);
    expect(FIXTURES.pass.requirements.some((r) => r.verdict === 'FAILED')).toBe(false);
    expect(renderHtml(redact(FIXTURES.pass))).not.toContain('data-first-failure');
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
    expect(req(parsed, 'WF-PROHIBITED-ACCESS').failure!.replay).toContain(HOSTILE);
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
