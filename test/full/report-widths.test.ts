/**
 * No horizontal overflow: report.html (passing and failing), check-workflow's
 * HTML and power's HTML, at 420 px and 1,366 px, light and dark, in a real
 * browser (Debian's chromium). The failing report carries what made the page
 * 1,737 px wide before: a long fast-check path, a long unbroken message, a long
 * target name. Also: the first screen names the failing requirements, and at
 * 420 px the toolbar hides nothing it scrolls over.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateResults, writeReports } from '../../reports/index.js';
import type { RunResults } from '../../reports/index.js';
import { cli } from '../lib/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const WIDTHS = [420, 1366] as const;
const SCHEMES = ['light', 'dark'] as const;
const dir = mkdtempSync(join(tmpdir(), 'ktc-widths-'));
const pages: Record<string, string> = {};
let browser: Browser;

function fixture(name: string): RunResults {
  const r: unknown = JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
  validateResults(r);
  return r;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing. Install it with: apt-get update && apt-get install -y chromium`);
  const failing = structuredClone(fixture('results-fail.json'));
  failing.target.name = `a-target-with-a-long-name-${'x'.repeat(80)}`;
  const f = failing.requirements.find((r) => r.failure)!;
  f.failure!.path = Array.from({ length: 160 }, (_, i) => i % 7).join(':');
  f.failure!.message = `${f.id}: ${'unbroken-'.repeat(60)}`;
  f.failure!.replay = `npx kinde-token-conformance run --target=reference --seed=1 --runs=100 --only=${f.id} --path=${f.failure!.path}`;
  pages['report.html failing'] = (await writeReports(failing, join(dir, 'failing'))).html;
  pages['report.html passing'] = (await writeReports(fixture('results-pass.json'), join(dir, 'passing'))).html;
  const cw = await cli(['check-workflow', 'examples/workflows/m2m-tutorial', '--runs=3', '--seed=1', `--report-dir=${join(dir, 'cw')}`]);
  expect([0, 1], cw.out).toContain(cw.code);
  pages['check-workflow.html'] = join(dir, 'cw', 'check-workflow.html');
  const pw = await cli(['power', '--operators=access.sub:drop,jwks.alg:drop', '--runs=2', '--escalate-runs=0', '--seed=3', `--report-dir=${join(dir, 'power')}`]);
  expect(pw.code, pw.out).toBe(0);
  pages['mutation-report.html'] = join(dir, 'power', 'mutation-report.html');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

describe('no horizontal overflow', () => {
  const cases = Object.keys({ 'report.html failing': 1, 'report.html passing': 1, 'check-workflow.html': 1, 'mutation-report.html': 1 }).flatMap((p) =>
    WIDTHS.flatMap((w) => SCHEMES.map((s) => [p, w, s] as const)),
  );
  it.each(cases)('%s at %i px, %s', async (name, width, scheme) => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(pathToFileURL(pages[name]!).href);
    // Open every details element: an open failure card is where long paths live.
    await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
    const m = (await page.evaluate(`({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })`)) as { scroll: number; inner: number };
    console.log(`${name} ${width}px ${scheme}: scrollWidth ${m.scroll}, innerWidth ${m.inner}`);
    await context.close();
    expect(m.scroll, `${name} at ${width} px (${scheme}) is ${m.scroll} px wide`).toBeLessThanOrEqual(m.inner);
  });
});

describe('report.html first screen', () => {
  it('names the failing requirements with a reason above the fold, and the legend counts squares per token type', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(pathToFileURL(pages['report.html failing']!).href);
    const first = (await page.evaluate(`Array.from(document.querySelectorAll('[data-first-failure]')).map((li) => ({ id: li.getAttribute('data-first-failure'), top: li.getBoundingClientRect().top, why: li.querySelector('.why').textContent }))`)) as Array<{ id: string; top: number; why: string }>;
    const failing = JSON.parse(readFileSync(pages['report.html failing']!.replace('report.html', 'results.json'), 'utf8')) as RunResults;
    const ids = failing.requirements.filter((r) => r.verdict === 'FAILED' || r.verdict === 'ERRORED').map((r) => r.id);
    expect(first.map((f) => f.id).sort()).toEqual(ids.slice(0, 12).sort());
    expect(first[0]!.top).toBeLessThan(768);
    for (const f of first) expect(f.why.length).toBeGreaterThan(0);
    const legend = (await page.textContent('[data-legend]')) ?? '';
    const squares = failing.requirements.reduce((n, r) => n + Math.max(1, r.tokenTypes.length), 0);
    expect(legend).toContain(`${squares} squares`);
    expect(await page.locator('.chip').count()).toBe(squares);
    await context.close();
  });

  it('at 420 px the toolbar does not cover a requirement it was scrolled to', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 800 } });
    const page = await context.newPage();
    await page.goto(pathToFileURL(pages['report.html failing']!).href);
    const id = (await page.getAttribute('[data-first-failure]', 'data-first-failure'))!;
    await page.click(`[data-first-failure="${id}"] a`);
    const m = (await page.evaluate(`(() => { const t = document.getElementById('req-${id}').getBoundingClientRect(); const b = document.querySelector('.toolbar').getBoundingClientRect(); return { top: t.top, toolbarBottom: b.bottom, toolbarTop: b.top }; })()`)) as { top: number; toolbarBottom: number; toolbarTop: number };
    // Either the toolbar is off-screen (not sticky here) or the target starts below it.
    expect(m.toolbarBottom <= 0 || m.toolbarTop > m.top || m.top >= m.toolbarBottom, JSON.stringify(m)).toBe(true);
    await context.close();
  });
});
