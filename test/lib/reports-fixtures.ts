/** Shared by the report tests: the two results fixtures, a hostile copy, every format rendered, an XML well-formedness check. */
import { readFileSync } from 'node:fs';
import {
  redact,
  renderBadge,
  renderHtml,
  renderJUnit,
  renderMarkdown,
  renderTerminalSummary,
  summarize,
  validateResults,
} from '../../reports/index.js';
import type { RequirementResult, RunResults } from '../../reports/index.js';

export const SECRET = 'SECRET-abc123';
export const HOSTILE = '</script><img src=x onerror=alert(1)>';

export function fixture(name: 'pass' | 'fail'): RunResults {
  const data: unknown = JSON.parse(readFileSync(new URL(`../fixtures/results-${name}.json`, import.meta.url), 'utf8'));
  validateResults(data);
  return data;
}

export const FIXTURES = { pass: fixture('pass'), fail: fixture('fail') };

export function withRequirements(base: RunResults, requirements: RequirementResult[]): RunResults {
  return { ...base, requirements, summary: summarize(requirements) };
}

export function req(results: RunResults, id: string): RequirementResult {
  const r = results.requirements.find((x) => x.id === id);
  if (!r) throw new Error(`fixture has no requirement ${id}`);
  return r;
}

/** The fail fixture with attacker-controlled text in every untrusted field we render. */
export function hostile(): RunResults {
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
export function allFormats(results: RunResults): Record<string, string> {
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
export function checkXml(xml: string): Map<string, number> {
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

export function htmlCounts(html: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of html.matchAll(/data-verdict-count="([A-Z_]+)">(\d+)</g)) out[m[1]!] = Number(m[2]);
  return out;
}
