/**
 * Every generated operator, and how a campaign picks among them: `--operators`
 * (ids or globs, comma separated) and `--sample=N` (a seeded sample spread
 * over the families, so a small sample still touches each kind of defect).
 */
import { claimOperatorsAll } from './claim-operators.js';
import { codeOperatorsAll, errorOperatorsAll } from './code-operators.js';
import { joseOperatorsAll } from './jose-operators.js';
import { refreshOperatorsAll } from './refresh-operators.js';
import { responseOperatorsAll } from './response-operators.js';
import { surfaceOperatorsAll } from './surface-operators.js';
import { timeOperatorsAll } from './time-operators.js';
import type { Operator } from './types.js';
import { hashInt } from './values.js';

/** Re-signs every token with the substitute key and changes nothing else: the wrapped control. */
export const IDENTITY: Operator = {
  id: 'identity',
  family: 'identity',
  target: 'none',
  area: 'control',
  description: 'every token re-signed with the substitute key, nothing else changed',
  token: () => false,
};

let all: readonly Operator[] | undefined;

export function allOperators(): readonly Operator[] {
  if (!all) {
    const ops = [...claimOperatorsAll(), ...timeOperatorsAll(), ...joseOperatorsAll(), ...responseOperatorsAll(), ...refreshOperatorsAll(), ...surfaceOperatorsAll(), ...codeOperatorsAll(), ...errorOperatorsAll()];
    const seen = new Set<string>();
    for (const op of ops) {
      if (seen.has(op.id)) throw new Error(`mutation: duplicate operator id ${op.id}`);
      seen.add(op.id);
    }
    all = Object.freeze(ops);
  }
  return all;
}

export class OperatorSelectionError extends Error {
  readonly code = 'ERR_OPERATOR_SELECTION';
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Operators whose id matches one of the comma-separated ids/globs (all when `spec` is undefined). */
export function selectOperators(spec: string | undefined, ops: readonly Operator[] = allOperators()): Operator[] {
  if (spec === undefined) return [...ops];
  const patterns = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (patterns.length === 0) throw new OperatorSelectionError('--operators is empty');
  const out: Operator[] = [];
  for (const p of patterns) {
    const re = globToRegExp(p);
    const hits = ops.filter((o) => re.test(o.id));
    if (hits.length === 0) throw new OperatorSelectionError(`--operators: "${p}" matches no operator (e.g. access.sub:drop, response.*, refresh:*)`);
    for (const h of hits) if (!out.includes(h)) out.push(h);
  }
  return out;
}

/**
 * `n` operators chosen with `seed`: round robin over the families (each
 * family shuffled by the seed), so every family is represented before any
 * gets a second pick. Deterministic for a given seed and operator list.
 */
export function sampleOperators(ops: readonly Operator[], n: number, seed: number): Operator[] {
  if (n >= ops.length) return [...ops];
  const byFamily = new Map<string, Operator[]>();
  for (const op of ops) {
    const list = byFamily.get(op.family) ?? [];
    list.push(op);
    byFamily.set(op.family, list);
  }
  const queues = [...byFamily.values()].map((list) => [...list].sort((a, b) => hashInt(`${seed}:${a.id}`) - hashInt(`${seed}:${b.id}`)));
  const out: Operator[] = [];
  for (let round = 0; out.length < n; round++) {
    for (const q of queues) if (q[round] && out.length < n) out.push(q[round]!);
  }
  return out;
}
