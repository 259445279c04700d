/**
 * The surface inventory (schemas/surfaces/issuer.json, verifier.json; format
 * schemas/surfaces.schema.json): every surface a client of the issuer reads and
 * every input a verifier reads, each with the requirements that judge it and
 * the generators that vary it. test/surfaces.test.ts holds it to account and
 * bin/surfaces-doc.ts renders it to docs/surfaces.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { formatErrors, sharedAjv } from './validate.js';
import issuerJson from './surfaces/issuer.json' with { type: 'json' };
import verifierJson from './surfaces/verifier.json' with { type: 'json' };
import surfacesSchema from './surfaces.schema.json' with { type: 'json' };

export interface Surface {
  id: string;
  side: 'issuer' | 'verifier';
  surface: string;
  requirements: string[];
  variedBy: string[];
  source: string;
}

export const SURFACE_FILES = { issuer: issuerJson, verifier: verifierJson } as const;

/** Schema errors of one inventory file (empty when it conforms). */
export function surfaceFileErrors(doc: unknown): string[] {
  const validate = sharedAjv().getSchema(surfacesSchema.$id) ?? sharedAjv().compile(surfacesSchema);
  return validate(doc) ? [] : formatErrors(validate.errors);
}

/** Both sides, issuer first, in file order. */
export function allSurfaces(): Surface[] {
  return [...(issuerJson.surfaces as Surface[]), ...(verifierJson.surfaces as Surface[])];
}

/**
 * What is wrong with the inventory: a surface without a requirement, a
 * requirement the catalog does not have, a variedBy whose file is missing or
 * does not contain its symbol, a verifier input nothing varies, a side listed
 * in the other side's file, a repeated id.
 */
export function surfaceProblems(list: readonly Surface[], requirementIds: ReadonlySet<string>, root: URL, expectedSide?: Surface['side']): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of list) {
    if (seen.has(s.id)) problems.push(`${s.id}: listed twice`);
    seen.add(s.id);
    if (expectedSide !== undefined && s.side !== expectedSide) problems.push(`${s.id}: side ${s.side} in the ${expectedSide} file`);
    if (s.requirements.length === 0) problems.push(`${s.id}: no requirement judges it`);
    for (const r of s.requirements) if (!requirementIds.has(r)) problems.push(`${s.id}: requirement ${r} is not in schemas/requirements.json`);
    if (s.side === 'verifier' && s.variedBy.length === 0) problems.push(`${s.id}: a verifier input that no generator varies`);
    for (const v of s.variedBy) {
      const [file, symbol] = v.split('#') as [string, string | undefined];
      const url = new URL(file, root);
      if (!existsSync(url)) {
        problems.push(`${s.id}: variedBy ${v}: no file ${file}`);
        continue;
      }
      if (symbol === undefined || !new RegExp(`\\b${symbol.replace(/\$/g, '\\$')}\\b`).test(readFileSync(url, 'utf8'))) {
        problems.push(`${s.id}: variedBy ${v}: ${file} has no ${symbol ?? '(symbol)'}`);
      }
    }
  }
  return problems;
}
