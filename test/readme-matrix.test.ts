/**
 * The README's verifier table is what `report --matrix` renders from CI's
 * runs (bin/readme-matrix.ts; CI compares it with the runs themselves).
 * Without the runs, this holds it to the expected files: a column's ✗ are
 * exactly its expected failures, and every column has its expected file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_MATRIX_RUNS, expectedFileOf, readmeBlock } from '../bin/readme-matrix.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README verifier matrix', () => {
  const { table } = readmeBlock(readme);
  const lines = table.split('\n').filter((l) => l.startsWith('|'));
  const header = lines[0]!.split('|').slice(2, -1).map((c) => c.trim());

  it('has one column per CI verifier run, in order, and a row per verifier requirement', () => {
    expect(header).toEqual(README_MATRIX_RUNS.map(([label]) => label));
    expect(lines.length).toBeGreaterThan(20);
  });

  it("each column's ✗ are exactly the FAILED entries of its expected file", () => {
    header.forEach((label, col) => {
      const file = expectedFileOf(label);
      expect(existsSync(file), file).toBe(true);
      const expected = JSON.parse(readFileSync(file, 'utf8')) as { expected: Record<string, { verdict: string }> };
      const failed = Object.entries(expected.expected).filter(([, v]) => v.verdict === 'FAILED').map(([id]) => id).sort();
      const crosses = lines.slice(2).filter((l) => l.split('|').slice(2, -1)[col]?.trim() === '✗').map((l) => l.split('|')[1]!.trim()).sort();
      expect(crosses, label).toEqual(failed);
    });
  });
});
