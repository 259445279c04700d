/**
 * A report of 5,000 requirements (a hostile or merely huge results file) stays
 * usable in a real browser: the page holds only the requirements' summaries
 * (their details are templates rendered when opened), the filter buttons
 * filter, and a requirement opens to its evidence. Structure is asserted, not
 * time (`npm run hardening` measures the time).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { manyRequirements } from '../../hardening/hostile-results.js';
import { writeReports } from '../../reports/index.js';
import { SECTION_PAGE } from '../../reports/html-requirement.js';

const CHROMIUM = '/usr/bin/chromium';
let browser: Browser | undefined;
afterAll(async () => browser?.close());

describe('report.html at 5,000 requirements', () => {
  it('renders details on demand and filters', async () => {
    const results = manyRequirements(5_000);
    const paths = await writeReports(results, mkdtempSync(join(tmpdir(), 'ktc-large-report-')));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(paths.html).href);
    const count = (sel: string) => page.evaluate(`document.querySelectorAll(${JSON.stringify(sel)}).length`) as Promise<number>;
    const visible = () => page.evaluate(`Array.from(document.querySelectorAll('[data-requirement-id]')).filter((el) => el.checkVisibility()).length`) as Promise<number>;
    // At most SECTION_PAGE rows per section at first, the rest behind "Show N more"; no row's details yet.
    const failing = results.requirements.filter((r) => r.verdict === 'FAILED' || r.verdict === 'ERRORED').length;
    const warnings = results.requirements.filter((r) => r.verdict === 'WARNING').length;
    const first = Math.min(failing, SECTION_PAGE) + Math.min(warnings, SECTION_PAGE) + Math.min(5_000 - failing - warnings, SECTION_PAGE);
    expect(await count('[data-requirement-id]')).toBe(first);
    expect(await count('details.req template[data-lazy]')).toBe(first);
    expect(await count('details.req .payload, details.req blockquote')).toBe(0);

    await page.click('[data-filter="failures"]');
    expect(await visible()).toBe(Math.min(failing, SECTION_PAGE));
    await page.click('#failures button[data-more]');
    expect(await visible()).toBe(failing);
    await page.click('[data-filter="all"]');
    for (const b of await page.locator('button[data-more]').all()) await b.click();
    expect(await visible()).toBe(5_000);
    expect(await count('details.req template[data-lazy]')).toBe(5_000);

    const id = results.requirements.find((r) => r.failure?.counterexample?.token)!.id;
    const row = page.locator(`[data-requirement-id="${id}"]`);
    await row.locator('summary').click();
    expect(await row.locator('.payload').isVisible()).toBe(true);
    expect(await count('details.req template[data-lazy]')).toBe(4_999);
    // The matrix is still there (capped per cell).
    expect(await count('[data-matrix-id]')).toBeGreaterThan(0);
  });
});
