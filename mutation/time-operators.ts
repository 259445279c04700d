/**
 * Time operators: a token's times shifted together by the generated offsets
 * (relative to the target's clock, lifetime kept; for ID tokens with and
 * without auth_time), and a `nbf` added in the future or the past. Single
 * time claims moved relative to the others are the numeric near misses of
 * claim-operators.ts (`access.exp:edit:+60`, …).
 */
import { TOKEN_TYPES, type TokenType } from '../adapters/types.js';
import { claimCatalog } from '../schemas/catalog.js';
import { getClaim, hasClaim, setClaim } from './claim-operators.js';
import type { Operator, TokenEdit } from './types.js';
import { OFFSETS } from './values.js';

const SHIFTED = ['iat', 'exp', 'nbf'];

function shift(edit: TokenEdit, names: readonly string[], d: number): boolean {
  let any = false;
  for (const n of names) {
    const v = getClaim(edit.payload, n);
    if (typeof v !== 'number') continue;
    setClaim(edit.payload, n, v + d);
    any = true;
  }
  return any;
}

function timeOperators(type: TokenType): Operator[] {
  const documented = new Set(claimCatalog.tokens[type].map((c) => c.name));
  const base = { area: type, tokenTypes: [type] as const, family: 'time' as const };
  const ops: Operator[] = [];
  for (const o of OFFSETS) {
    for (const d of [o, -o]) {
      const s = d > 0 ? `+${d}` : `${d}`;
      ops.push({
        ...base,
        id: `${type}.times:shift${s}`,
        target: `${type}.times`,
        description: `the ${type} token's iat, exp (and nbf) all moved by ${s} s: same lifetime, another clock`,
        token: (edit) => shift(edit, SHIFTED, d),
      });
      if (documented.has('auth_time')) {
        ops.push({
          ...base,
          id: `${type}.times:shift-all${s}`,
          target: `${type}.times`,
          description: `the ${type} token's iat, exp and auth_time all moved by ${s} s`,
          token: (edit) => shift(edit, [...SHIFTED, 'auth_time'], d),
        });
      }
    }
    ops.push({
      ...base,
      id: `${type}.nbf:future+${o}`,
      target: `${type}.nbf`,
      description: `the ${type} token carries nbf = iat + ${o}: not yet valid when issued`,
      token: (edit) => {
        const iat = getClaim(edit.payload, 'iat');
        if (typeof iat !== 'number') return false;
        setClaim(edit.payload, 'nbf', iat + o);
        return true;
      },
    });
  }
  ops.push({
    ...base,
    id: `${type}.nbf:past`,
    target: `${type}.nbf`,
    description: `the ${type} token carries nbf = iat − 60 (valid at once)`,
    token: (edit) => {
      const iat = getClaim(edit.payload, 'iat');
      if (typeof iat !== 'number' || hasClaim(edit.payload, 'nbf')) return false;
      setClaim(edit.payload, 'nbf', iat - 60);
      return true;
    },
  });
  return ops;
}

export function timeOperatorsAll(): Operator[] {
  return TOKEN_TYPES.flatMap(timeOperators);
}
