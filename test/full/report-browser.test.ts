/**
 * The HTML report in a real browser: what a person sees must agree with the
 * JSON, the filters must filter, and a failure must open to its evidence.
 * Needs Debian's chromium at /usr/bin/chromium (never skipped: a missing
 * browser fails the test with the command to install it).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validateResults, writeReports } from '../../reports/index.js';
import type { RunResults, Verdict } from '../../reports/index.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve('test-output');
const VERDICTS: Verdict[] = ['PASSED', 'FAILED', 'WARNING', 'NOT_APPLICABLE', 'ERRORED'];

const results: unknown = JSON.parse(readFileSync(new URL('../fixtures/results-fail.json', import.meta.url), 'utf8'));
validateResults(results);
const fail: RunResults = results;

let browser: Browser;
let context: BrowserContext;
let page: Page;
const external: string[] = [];
const problems: string[] = [];
const dialogs: string[] = [];

/** Ids and verdicts of the requirement rows the browser actually shows. */
async function visibleRows(): Promise<Array<{ id: string; verdict: string }>> {
  return page.evaluate(`Array.from(document.querySelectorAll('[data-requirement-id]'))
    .filter((el) => el.checkVisibility())
    .map((el) => ({ id: el.getAttribute('data-requirement-id'), verdict: el.getAttribute('data-verdict') }))`);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the report is tested in a real browser. Install it with: apt-get update && apt-get install -y chromium`);
  }
  const dir = join(OUT, 'browser');
  await mkdir(dir, { recursive: true });
  const paths = await writeReports(fail, dir);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  // Anything that is not the report file itself is a leak: record and refuse it.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(paths.html).href);
});

afterAll(async () => {
  await browser?.close();
});

describe('HTML report in Chromium', () => {
  it('shows the same counts and score as the JSON summary, and one row per requirement', async () => {
    for (const v of VERDICTS) {
      const shown = await page.locator(`[data-verdict-count="${v}"]`).textContent();
      expect(Number(shown), v).toBe(fail.summary[v]);
      await expect(page.locator(`[data-verdict-count="${v}"]`).isVisible()).resolves.toBe(true);
    }
    expect(await page.locator('body').innerText()).toContain(`${fail.summary.score}%`);
    const rows = await visibleRows();
    expect(rows.map((r) => r.id).sort()).toEqual(fail.requirements.map((r) => r.id).sort());
    for (const r of fail.requirements) expect(rows.find((x) => x.id === r.id)?.verdict).toBe(r.verdict);
  });

  it('"Failures" shows only FAILED and ERRORED rows, "Warnings" only warnings, "All" everything', async () => {
    await page.click('[data-filter="failures"]');
    const failing = fail.requirements.filter((r) => r.verdict === 'FAILED' || r.verdict === 'ERRORED');
    let rows = await visibleRows();
    expect(rows.map((r) => r.id).sort()).toEqual(failing.map((r) => r.id).sort());
    expect(rows.every((r) => r.verdict === 'FAILED' || r.verdict === 'ERRORED')).toBe(true);
    expect(await page.locator('[data-section="warnings"]').isVisible()).toBe(false);
    expect(await page.getAttribute('[data-filter="failures"]', 'aria-pressed')).toBe('true');

    await page.click('[data-filter="warnings"]');
    rows = await visibleRows();
    expect(rows.map((r) => r.verdict)).toEqual(fail.requirements.filter((r) => r.verdict === 'WARNING').map(() => 'WARNING'));
    expect(rows.length).toBe(fail.summary.WARNING);
    expect(await page.locator('[data-section="failures"]').isVisible()).toBe(false);

    await page.click('[data-filter="all"]');
    expect((await visibleRows()).length).toBe(fail.summary.total);
  });

  it('a failure opens to its decoded token payload, diff, workflow source and replay command', async () => {
    await page.click('[data-filter="failures"]');
    const id = 'WF-PROHIBITED-ACCESS';
    const r = fail.requirements.find((x) => x.id === id)!;
    const row = page.locator(`[data-requirement-id="${id}"]`);
    const payload = row.locator('.payload');
    expect(await payload.isVisible()).toBe(false);
    await row.locator('summary').click();
    expect(await payload.isVisible()).toBe(true);
    const payloadText = await payload.innerText();
    expect(JSON.parse(payloadText)).toEqual(r.failure!.counterexample!.token!.payload);
    const replay = row.locator('.replay pre');
    expect(await replay.isVisible()).toBe(true);
    expect(await replay.innerText()).toBe(r.failure!.replay);
    expect(await row.locator('.diff .dl.del').first().innerText()).toContain('"iss": "https://acme.kinde.com"');
    expect(await row.locator('.diff .dl.add').first().innerText()).toContain('"iss": "https://attacker.example"');
    expect(await row.locator('pre.code').innerText()).toContain('accessTokenCustomClaims<{ iss: string }>()');
    expect(await row.locator('blockquote').first().innerText()).toBe(r.source.quote);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const copy = row.locator(`[data-copy="${id}"]`);
    await copy.click();
    await expect.poll(() => copy.innerText()).toBe('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(r.failure!.replay);

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(OUT, 'report-failures.png'), fullPage: true });
  });

  it('a matrix square jumps to its requirement and opens it, even when filtered out', async () => {
    await page.click('[data-filter="failures"]');
    await page.click('[data-matrix-id="FF-JSON-TYPE"]');
    const row = page.locator('[data-requirement-id="FF-JSON-TYPE"]');
    expect(await row.isVisible()).toBe(true);
    expect(await row.getAttribute('open')).not.toBeNull();
    expect(await row.locator('.callout').innerText()).toContain('The docs disagree.');
  });

  it('loaded nothing from the network, ran without errors or CSP violations', () => {
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});

describe('hostile content in Chromium', () => {
  it('claim values and workflow sources render as text and never run', async () => {
    const HOSTILE = '</script><img src=x onerror=alert(1)>';
    const h = structuredClone(fail);
    const wf = h.requirements.find((x) => x.id === 'WF-PROHIBITED-ACCESS')!;
    wf.failure!.counterexample!.token!.payload['name'] = HOSTILE;
    wf.failure!.counterexample!.workflows = [`// ${HOSTILE}\n<script>alert(2)</script>`];
    wf.statement = `<b onmouseover=alert(3)>${HOSTILE}</b>`;
    const dir = join(OUT, 'browser-hostile');
    const paths = await writeReports(h, dir);
    const p = await context.newPage();
    const seen: string[] = [];
    p.on('dialog', (d) => {
      seen.push(d.message());
      void d.dismiss();
    });
    await p.goto(pathToFileURL(paths.html).href);
    const row = p.locator('[data-requirement-id="WF-PROHIBITED-ACCESS"]');
    await row.locator('summary').click();
    await row.locator('summary').hover();
    expect(await row.locator('.payload').innerText()).toContain(JSON.stringify(HOSTILE).replace(/^"|"$/g, ''));
    expect(await row.locator('pre.code').innerText()).toContain('<script>alert(2)</script>');
    expect(await row.locator('summary .stmt').innerText()).toBe(wf.statement);
    expect(await p.locator('img').count()).toBe(0);
    expect(await p.locator('script').count()).toBe(2);
    expect(seen).toEqual([]);
    await p.close();
  });
});
