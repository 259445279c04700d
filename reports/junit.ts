/**
 * JUnit XML, the lowest common denominator of CI test views. One testsuite
 * per area, one testcase per requirement.
 */
import { AREAS } from './format.js';
import type { RequirementResult, RunResults } from './results.js';
import { describeFailure } from './text.js';
import { escapeControls } from './sanitize.js';

/** Characters XML 1.0 cannot carry at all, even escaped. */
const INVALID_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Escapes text for XML content and attribute values: controls and bidi
 * overrides shown escaped (reports/sanitize.ts; a CI test view shows them to a
 * reviewer), then what XML forbids replaced.
 */
export function escapeXml(value: unknown): string {
  return escapeControls(String(value))
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Attribute values additionally keep their line breaks (XML would normalize them to spaces). */
function attr(value: unknown): string {
  return escapeXml(value).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function testcase(r: RequirementResult, strict: boolean): string {
  const open = `    <testcase classname="${attr(r.area)}" name="${attr(`${r.id}: ${r.statement}`)}" time="${seconds(r.durationMs)}"`;
  const message = r.failure?.message ?? r.reason ?? r.verdict;
  switch (r.verdict) {
    case 'PASSED':
      return `${open}/>`;
    case 'FAILED':
      return `${open}>\n      <failure message="${attr(message)}" type="FAILED">${escapeXml(describeFailure(r))}</failure>\n    </testcase>`;
    case 'ERRORED':
      return `${open}>\n      <error message="${attr(message)}" type="ERRORED">${escapeXml(describeFailure(r))}</error>\n    </testcase>`;
    case 'NOT_APPLICABLE':
      return `${open}>\n      <skipped message="${attr(`not applicable: ${r.reason ?? 'no reason given'}`)}"/>\n    </testcase>`;
    case 'WARNING':
      return strict
        ? `${open}>\n      <failure message="${attr(message)}" type="warning">${escapeXml(describeFailure(r))}</failure>\n    </testcase>`
        : `${open}>\n      <system-out>${escapeXml(`WARNING (does not fail the run)\n${describeFailure(r)}`)}</system-out>\n    </testcase>`;
  }
}

function counts(list: readonly RequirementResult[], strict: boolean) {
  const c = { tests: list.length, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const r of list) {
    if (r.verdict === 'FAILED' || (strict && r.verdict === 'WARNING')) c.failures++;
    if (r.verdict === 'ERRORED') c.errors++;
    if (r.verdict === 'NOT_APPLICABLE') c.skipped++;
    c.time += r.durationMs;
  }
  return c;
}

function suiteAttrs(c: ReturnType<typeof counts>): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.time)}"`;
}

/** The run as a JUnit XML document. */
export function renderJUnit(results: RunResults): string {
  const areas = [...AREAS, ...new Set(results.requirements.map((r) => r.area).filter((a) => !AREAS.includes(a)))];
  const suites: string[] = [];
  for (const area of areas) {
    const list = results.requirements.filter((r) => r.area === area);
    if (list.length === 0) continue;
    const props = [
      ['target', `${results.target.name} ${results.target.version}`],
      ['seed', String(results.seed)],
      ['runs', String(results.runs)],
      ['strict', String(results.strict)],
    ]
      .map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`)
      .join('\n');
    suites.push(
      `  <testsuite name="${attr(area)}" ${suiteAttrs(counts(list, results.strict))} timestamp="${attr(results.startedAt)}">\n` +
        `    <properties>\n${props}\n    </properties>\n` +
        `${list.map((r) => testcase(r, results.strict)).join('\n')}\n  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${attr(`${results.suite.name}: ${results.target.name} ${results.target.version}`)}" ${suiteAttrs(counts(results.requirements, results.strict))}>\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
