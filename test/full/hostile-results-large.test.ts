/**
 * A results file just under the read bound (every string within its bound)
 * renders: exit 1 for the failing fixture it is made of, no internal error.
 * Memory and time are measured by `npm run hardening` (row results-near-bound).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNearBound } from '../../hardening/hostile-results.js';
import { reportCommand } from '../../reports/cli.js';
import { RESULTS_BOUNDS } from '../../reports/results-bounds.js';

describe('a results file just under the read bound', () => {
  it('renders every format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktc-near-bound-'));
    const file = writeNearBound(dir, RESULTS_BOUNDS.bytes - 1024);
    let out = '';
    const code = await reportCommand([file, `--out=${join(dir, 'out')}`], { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {}, color: false });
    expect(code, out.slice(-800)).toBe(1);
    expect(out).toMatch(/\d+ requirements: /);
    expect(out).not.toMatch(/RangeError|internal error|^\s+at \S.*:\d+:\d+\)?$/m);
  });
});
