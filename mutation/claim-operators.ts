/**
 * Claim operators, generated from schemas/claim-catalog.json and the token
 * JSON Schemas: for every claim of every token type, drop it, change its JSON
 * type, replace it by each near miss of its kind, add it when it is absent
 * (a conditional or optional claim where its condition does not hold), and
 * add every claim another token type documents where this one does not (a
 * constant, plausible value: a claim leaking across the tokens of one answer
 * is the consistency operators' business).
 * A `@refresh` twin of the drop and first near miss of each user-token claim
 * rewrites only tokens issued by a refresh_token grant (one refresh chain).
 */
import { TOKEN_TYPES, type JsonObject, type JsonValue, type TokenType } from '../adapters/types.js';
import { claimCatalog, type ClaimEntry } from '../schemas/catalog.js';
import { claimKinds, plausibleValue } from './claim-shapes.js';
import type { Grant, Operator, TokenEdit } from './types.js';
import { convert, JSON_KINDS, kindOf, nearMisses } from './values.js';

export function hasClaim(p: JsonObject, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(p, name);
}

export function getClaim(p: JsonObject, name: string): JsonValue | undefined {
  return hasClaim(p, name) ? (Object.getOwnPropertyDescriptor(p, name)!.value as JsonValue) : undefined;
}

export function setClaim(p: JsonObject, name: string, value: JsonValue): void {
  Object.defineProperty(p, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Replace a present claim's value through `f`; false when absent or unchanged. */
function editClaim(edit: TokenEdit, name: string, f: (v: JsonValue) => JsonValue | undefined): boolean {
  const v = getClaim(edit.payload, name);
  if (v === undefined) return false;
  const next = f(v);
  if (next === undefined || JSON.stringify(next) === JSON.stringify(v)) return false;
  setClaim(edit.payload, name, next);
  return true;
}

const USER_TYPES: readonly TokenType[] = ['access', 'id'];

function claimOperators(type: TokenType, entry: ClaimEntry): Operator[] {
  const name = entry.name;
  const target = `${type}.${name}`;
  const base = { target, area: type, tokenTypes: [type] as const };
  const ops: Operator[] = [
    {
      ...base,
      id: `${target}:drop`,
      family: 'drop',
      description: `the ${type} token's ${name} claim is dropped`,
      token: (edit) => hasClaim(edit.payload, name) && delete edit.payload[name],
    },
  ];
  if (entry.status !== 'required') {
    ops.push({
      ...base,
      id: `${target}:add-absent`,
      family: 'foreign-claim',
      description: `the ${type} token carries ${name} (${entry.status}${entry.condition ? `: ${entry.condition}` : ''}) even when it is absent from the target's token`,
      token: (edit) => {
        if (hasClaim(edit.payload, name)) return false;
        setClaim(edit.payload, name, plausibleValue(type, name, edit.payload, target));
        return true;
      },
    });
  }
  const kinds = claimKinds(type, name);
  if (kinds.length === 0) return ops;
  for (const to of JSON_KINDS.filter((k) => !kinds.includes(k))) {
    ops.push({
      ...base,
      id: `${target}:type:${to}`,
      family: 'type',
      description: `the ${type} token's ${name} claim becomes a JSON ${to}`,
      token: (edit) => editClaim(edit, name, (v) => convert(v, to)),
    });
  }
  for (const kind of kinds) {
    for (const e of nearMisses(kind)) {
      ops.push({
        ...base,
        id: `${target}:edit:${e.id}`,
        family: 'near-miss',
        description: `the ${type} token's ${name} claim (a ${kind}) has ${e.description}`,
        // Seeded by the claim, not the token: the same value always becomes the same near miss, as with a real defect.
        token: (edit) => editClaim(edit, name, (v) => (kindOf(v) === kind ? e.apply(v, target) : undefined)),
      });
    }
  }
  return ops;
}

/** Claims documented for some other token type and not for `type`. */
export function foreignClaims(type: TokenType): Array<{ owner: TokenType; name: string }> {
  const own = new Set(claimCatalog.tokens[type].map((c) => c.name));
  const out = new Map<string, TokenType>();
  for (const other of TOKEN_TYPES.filter((t) => t !== type)) {
    for (const c of claimCatalog.tokens[other]) if (!own.has(c.name) && !out.has(c.name)) out.set(c.name, other);
  }
  return [...out].map(([name, owner]) => ({ owner, name }));
}

function foreignOperators(type: TokenType): Operator[] {
  return foreignClaims(type).map(({ owner, name }) => ({
    id: `${type}+${name}:add`,
    family: 'foreign-claim',
    target: `${type}+${name}`,
    area: type,
    tokenTypes: [type],
    description: `the ${type} token carries ${name}, a claim only the ${owner} token documents`,
    token: (edit, ctx) => {
      if (hasClaim(edit.payload, name)) return false;
      setClaim(edit.payload, name, plausibleValue(owner, name, edit.payload, `${type}+${name}`, ctx.siblings[owner]));
      return true;
    },
  }));
}

/** Twins restricted to refresh_token answers: the first and the most telling edits of each user-token claim. */
function refreshTwins(ops: Operator[]): Operator[] {
  const grants: readonly Grant[] = ['refresh_token'];
  const out: Operator[] = [];
  const firstEdit = new Set<string>();
  for (const op of ops) {
    if (!op.tokenTypes?.every((t) => USER_TYPES.includes(t))) continue;
    const isDrop = op.family === 'drop';
    const isFirstEdit = op.family === 'near-miss' && !firstEdit.has(op.target);
    if (!isDrop && !isFirstEdit) continue;
    if (isFirstEdit) firstEdit.add(op.target);
    out.push({ ...op, id: `${op.id}@refresh`, grants, description: `${op.description}, in tokens issued by a refresh_token grant only` });
  }
  return out;
}

export function claimOperatorsAll(): Operator[] {
  const ops = TOKEN_TYPES.flatMap((t) => [...claimCatalog.tokens[t].flatMap((c) => claimOperators(t, c)), ...foreignOperators(t)]);
  return [...ops, ...refreshTwins(ops)];
}
