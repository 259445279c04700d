/** One requirement's row (facts, quotes, failure), grouped by area, inside a titled section. */
import { AREA_TITLES, groupByArea } from './format.js';
import { badge, formatDuration, quoteFigure, tokenTypesText, vc } from './html-blocks.js';
import { escapeHtml } from './html-escape.js';
import { failureBody } from './html-failure.js';
import type { RequirementResult } from './results.js';

export function requirementRow(r: RequirementResult): string {
  const facts: Array<[string, string]> = [
    ['Area', escapeHtml(AREA_TITLES[r.area] ?? r.area)],
    ['Token types', escapeHtml(tokenTypesText(r.tokenTypes))],
    ['Level', escapeHtml(r.level)],
    ['Severity', escapeHtml(r.severity)],
    ['Runs', `${escapeHtml(r.runs)} in ${escapeHtml(formatDuration(r.durationMs))}`],
  ];
  if (r.tests.length > 0) facts.push(['Tests', r.tests.map((t) => `<code>${escapeHtml(t)}</code>`).join('<br>')]);
  // The statement itself is the summary line, which wraps in full once the row is open.
  let body = `<dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
  body += quoteFigure(r.source.url, r.source.quote);
  if (r.contradiction) {
    body +=
      `<div class="callout"><p><strong>The docs disagree.</strong> ${escapeHtml(r.contradiction.note)}</p>` +
      r.contradiction.readings.map((d) => quoteFigure(d.url, d.quote)).join('') +
      `</div>`;
  }
  if (r.consequenceOf) body += `<p class="reason"><strong>Also failed because of</strong> <a href="#req-${escapeHtml(r.consequenceOf)}">${escapeHtml(r.consequenceOf)}</a>: read that failure first.</p>`;
  if (r.reason) body += `<p class="reason"><strong>${r.verdict === 'ERRORED' ? 'Error' : 'Reason'}:</strong> ${escapeHtml(r.reason)}</p>`;
  body += failureBody(r);
  const id = escapeHtml(r.id);
  return (
    `<details class="req ${vc(r.verdict)}" id="req-${id}" data-requirement-id="${id}" data-verdict="${r.verdict}">` +
    `<summary>${badge(r.verdict)}<code class="rid">${id}</code><span class="stmt">${escapeHtml(r.statement)}</span>` +
    `<span class="tt">${escapeHtml(tokenTypesText(r.tokenTypes))}</span></summary>` +
    // Rendered on demand (reports/html-script.ts): a page of thousands of requirements holds only their summaries.
    `<div class="body"><template data-lazy>${body}</template></div></details>`
  );
}

export function rowsByArea(requirements: readonly RequirementResult[]): string {
  return groupByArea(requirements)
    .map(
      ([area, list]) =>
        `<div class="area-group" data-area-group="${escapeHtml(area)}" data-verdicts="${[...new Set(list.map((r) => r.verdict))].join(' ')}"><h3>${escapeHtml(AREA_TITLES[area] ?? area)}</h3>${list
          .map(requirementRow)
          .join('')}</div>`,
    )
    .join('');
}

/** Rows a section shows at first; the rest wait in a template behind a "Show more" button (thousands of rows kept filters slow). */
export const SECTION_PAGE = 500;

function rows(list: readonly RequirementResult[]): string {
  if (list.length <= SECTION_PAGE) return rowsByArea(list);
  const rest = list.length - SECTION_PAGE;
  return (
    rowsByArea(list.slice(0, SECTION_PAGE)) +
    `<template data-more>${rowsByArea(list.slice(SECTION_PAGE))}</template>` +
    `<button type="button" class="btn" data-more>Show ${rest} more</button>`
  );
}

export function section(name: string, title: string, hint: string, list: readonly RequirementResult[], empty: string): string {
  return (
    `<section class="group" id="${name}" data-section="${name}"><h2>${title} <span class="pill">${list.length}</span></h2>` +
    `<p class="hint">${hint}</p>${list.length > 0 ? rows(list) : `<p class="empty">${empty}</p>`}</section>`
  );
}
