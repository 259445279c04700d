/** Small HTML pieces the report's sections share: verdict badges, doc links, JSON and diff blocks, dates. */
import type { TokenType } from '../adapters/types.js';
import { diffLines } from './diff.js';
import { TOKEN_TYPE_TITLES, VERDICT_LABELS, prettyJson } from './format.js';
import { escapeHtml } from './html-escape.js';
import type { Verdict } from './results.js';

/** CSS class of a verdict. */
export function vc(v: Verdict): string {
  return v === 'NOT_APPLICABLE' ? 'v-na' : `v-${v.toLowerCase()}`;
}

export function badge(v: Verdict): string {
  return `<span class="v ${vc(v)}">${escapeHtml(VERDICT_LABELS[v])}</span>`;
}

/** Only http(s) documentation links become links; anything else (e.g. `javascript:`) stays text. */
export function docLink(url: string): string {
  let ok = false;
  try {
    const u = new URL(url);
    ok = u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    ok = false;
  }
  return ok
    ? `<a class="doc" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`
    : `<span class="doc">${escapeHtml(url)}</span>`;
}

/** Pretty JSON with quiet syntax colouring. Every token is escaped on its own. */
export function jsonBlock(value: unknown): string {
  const text = prettyJson(value);
  if (value === undefined) return `<pre class="json"><code>${escapeHtml(text)}</code></pre>`;
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out += escapeHtml(text.slice(last, m.index));
    const [whole, str, colon, lit] = m;
    if (str !== undefined) {
      out += colon !== undefined
        ? `<span class="k">${escapeHtml(str)}</span>${escapeHtml(colon)}`
        : `<span class="s">${escapeHtml(str)}</span>`;
    } else if (lit !== undefined) out += `<span class="l">${escapeHtml(lit)}</span>`;
    else out += `<span class="n">${escapeHtml(whole)}</span>`;
    last = m.index + whole.length;
  }
  out += escapeHtml(text.slice(last));
  return `<pre class="json"><code>${out}</code></pre>`;
}

export function diffBlock(expected: unknown, actual: unknown): string {
  const lines = diffLines(prettyJson(expected), prettyJson(actual));
  const body = lines
    .map((l) => {
      const sign = l.op === 'del' ? '-' : l.op === 'add' ? '+' : ' ';
      return `<span class="dl ${l.op}"><span class="sign" aria-hidden="true">${sign}</span>${escapeHtml(l.text)}</span>`;
    })
    .join('');
  return (
    `<p class="legend"><span class="dl del">− expected</span> <span class="dl add">+ actual</span></p>` +
    `<pre class="diff" aria-label="expected versus actual"><code>${body}</code></pre>`
  );
}

export function tokenTypesText(types: readonly TokenType[]): string {
  return types.length === 0 ? 'any' : types.map((t) => TOKEN_TYPE_TITLES[t]).join(' · ');
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function quoteFigure(url: string, quote: string): string {
  return `<figure class="quote"><blockquote>${escapeHtml(quote)}</blockquote><figcaption>${docLink(url)}</figcaption></figure>`;
}
