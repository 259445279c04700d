/** A failure's counterexample: message, expected-vs-actual diff, decoded token, commands, workflows, inputs, replay. */
import { TOKEN_TYPE_TITLES } from './format.js';
import { diffBlock, jsonBlock } from './html-blocks.js';
import { escapeHtml } from './html-escape.js';
import type { RequirementResult } from './results.js';

export function failureBody(r: RequirementResult): string {
  const f = r.failure;
  if (!f) return '';
  const c = f.counterexample;
  let out = `<h4>${r.verdict === 'WARNING' ? 'What was noticed' : 'What broke'}</h4>`;
  out += `<pre class="msg">${escapeHtml(f.message)}</pre>`;
  // The seed shown is the one the replay command uses (the run's), not the check's derived one.
  const replaySeed = /--seed=(-?\d+)/.exec(f.replay)?.[1];
  const facts = replaySeed !== undefined ? [`seed <code>${escapeHtml(replaySeed)}</code>`] : [];
  if (f.path) facts.push(`path <code>${escapeHtml(f.path)}</code>`);
  if (c?.tokenType) facts.push(`${escapeHtml(TOKEN_TYPE_TITLES[c.tokenType])} token`);
  if (c?.claim) facts.push(`claim <code>${escapeHtml(c.claim)}</code>`);
  if (facts.length > 0) out += `<p class="small facts-line">${facts.join(' · ')}</p>`;
  if (c) {
    if (c.message && c.message !== f.message) out += `<p>${escapeHtml(c.message)}</p>`;
    if ('expected' in c || 'actual' in c) out += `<h4>Expected vs actual</h4>${diffBlock(c.expected, c.actual)}`;
    if (c.token) {
      out +=
        `<h4>Decoded token</h4><div class="cols">` +
        `<div><h5>Header</h5>${jsonBlock(c.token.header)}</div>` +
        `<div><h5>Payload</h5><div class="payload">${jsonBlock(c.token.payload)}</div></div></div>`;
    }
    if (c.compared) {
      out +=
        `<h4>Compared with: ${escapeHtml(c.compared.label)}</h4><div class="cols compared">` +
        `<div><h5>Header</h5>${jsonBlock(c.compared.token.header)}</div>` +
        `<div><h5>Payload</h5><div class="payload">${jsonBlock(c.compared.token.payload)}</div></div></div>`;
    }
    if (c.commands && c.commands.length > 0) {
      out += `<h4>Command sequence</h4><ol class="commands">${c.commands
        .map((cmd) => `<li><code>${escapeHtml(cmd)}</code></li>`)
        .join('')}</ol>`;
    }
    if (c.workflows && c.workflows.length > 0) {
      out += c.workflows
        .map(
          (src, i) =>
            `<h4>Workflow.ts${c.workflows!.length > 1 ? ` #${i + 1}` : ''}</h4><pre class="code"><code>${escapeHtml(src)}</code></pre>`,
        )
        .join('');
    }
    if (c.request !== undefined || c.tenant !== undefined) {
      out += `<details class="inputs"><summary>Generated inputs</summary>`;
      if (c.request !== undefined) out += `<h5>Request</h5>${jsonBlock(c.request)}`;
      if (c.tenant !== undefined) out += `<h5>Tenant</h5>${jsonBlock(c.tenant)}`;
      out += `</details>`;
    }
  }
  out +=
    `<h4>Replay</h4><div class="replay"><pre><code>${escapeHtml(f.replay)}</code></pre>` +
    `<button type="button" class="btn" data-copy="${escapeHtml(r.id)}">Copy</button></div>`;
  return `<div class="failure">${out}</div>`;
}
