/** The reference issuer with one seeded defect, or with its JWKS rewritten: the shapes the issuer-side tests judge. */
import type { Jwks } from '../../adapters/types.js';
import { ReferenceAdapter } from '../../reference/adapter.js';
import type { DefectName } from '../../reference/defects.js';

export const mutant = (d: DefectName): ReferenceAdapter => new ReferenceAdapter(`mutant:${d}`, { defects: new Set([d]) });

/** The reference with its JWKS replaced by `change(real)`. */
export class WithJwks extends ReferenceAdapter {
  constructor(private readonly change: (real: Jwks) => Jwks) {
    super();
  }
  override async jwks(): Promise<Jwks> {
    return this.change(await super.jwks());
  }
}
