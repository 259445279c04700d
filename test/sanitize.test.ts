import { describe, expect, it } from 'vitest';
import { escapeCommandData, foreignBlock, foreignLine, hasUnsafeCharacters } from '../reports/sanitize.js';

describe('foreign text sanitizer', () => {
  it('escapes ESC, C1, DEL and bidi controls; keeps ordinary text and non-Latin letters', () => {
    const hostile = 'a\u001b]0;title\u0007b\u001b[2Jc\u009bd\u007fe\u202eRLO\u2066iso\u2069 ü 日本';
    const out = foreignLine(hostile);
    expect(out).toBe('a\\x1b]0;title\\x07b\\x1b[2Jc\\x9bd\\x7fe\\u202eRLO\\u2066iso\\u2069 ü 日本');
    expect(hasUnsafeCharacters(out)).toBe(false);
    expect(hasUnsafeCharacters(hostile)).toBe(true);
  });

  it('a foreign newline never starts a workflow command or a new line', () => {
    const out = foreignLine('boom\n::error title=FAKE::x\r\n  ::add-mask::secret');
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toContain('\\n::error'); // shown, not obeyed
    const lines = foreignBlock('::stop-commands::tok\n  ::set-output name=a::b\nplain', '', 10).split('\n');
    expect(lines).toEqual([': :stop-commands::tok', '  : :set-output name=a::b', 'plain']);
    for (const l of lines) expect(l.trimStart().startsWith('::')).toBe(false);
  });

  it('bounds every line and the number of lines', () => {
    expect(foreignLine('x'.repeat(5000), 100)).toMatch(/^x{100}… \(4900 more characters\)$/);
    const block = foreignBlock(Array.from({ length: 50 }, (_, i) => `l${i}`).join('\n'), '| ', 3);
    expect(block.split('\n')).toEqual(['| l0', '| l1', '| l2', '| … (47 more lines)']);
  });

  it('workflow-command data is escaped like actions/toolkit, controls included', () => {
    expect(escapeCommandData('50%\nnext\u001b')).toBe('50%25%0Anext\\x1b');
  });
});
