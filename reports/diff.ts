/**
 * A minimal line diff (longest common subsequence) for showing expected vs
 * actual values. Counterexamples are shrunk, so inputs are small; past
 * {@link MAX_LINES} we stop aligning and show both sides whole.
 */

export type DiffLine = { op: 'same' | 'del' | 'add'; text: string };

const MAX_LINES = 2000;

/** Lines of `a` (expected) and `b` (actual): `del` only in a, `add` only in b. */
export function diffLines(a: string, b: string): DiffLine[] {
  const x = a.split('\n');
  const y = b.split('\n');
  if (x.length > MAX_LINES || y.length > MAX_LINES) {
    return [...x.map((text) => ({ op: 'del' as const, text })), ...y.map((text) => ({ op: 'add' as const, text }))];
  }
  const n = x.length;
  const m = y.length;
  // lcs[i][j]: length of the LCS of x[i..] and y[j..], flattened row-major.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number): number => lcs[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = x[i] === y[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const xi = x[i] as string;
    const yj = y[j] as string;
    if (xi === yj) {
      out.push({ op: 'same', text: xi });
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      out.push({ op: 'del', text: xi });
      i++;
    } else {
      out.push({ op: 'add', text: yj });
      j++;
    }
  }
  for (; i < n; i++) out.push({ op: 'del', text: x[i] as string });
  for (; j < m; j++) out.push({ op: 'add', text: y[j] as string });
  return out;
}
