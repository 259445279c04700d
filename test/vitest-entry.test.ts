/**
 * `kinde-token-conformance/vitest` inside a vitest run (this one): the checks
 * of the selected requirements register as tests and pass on the reference.
 */
import { describe, expect, it } from 'vitest';
import { conformance } from '../api/vitest.js';

conformance({ target: 'reference', only: ['TOKEN-ISS', 'TOKEN-JTI-UNIQUE'], runs: 3, seed: 1 });

describe('vitest entry', () => {
  it('registers one test per selected check, titled with its requirement IDs', ({ task }) => {
    const suites = task.file.tasks.filter((t) => t.type === 'suite' && t.name.includes('target reference'));
    const titles = suites.flatMap((s) => (s.type === 'suite' ? s.tasks.map((t) => t.name) : []));
    expect(titles.some((t) => t.includes('TOKEN-ISS'))).toBe(true);
    expect(titles.some((t) => t.includes('TOKEN-JTI-UNIQUE'))).toBe(true);
    expect(titles.every((t) => /^\[[A-Z0-9 -]+\] /.test(t))).toBe(true);
  });
});
