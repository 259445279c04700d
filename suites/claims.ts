/**
 * Required claims present and well typed, per token type, whatever a
 * workflow did (schemas/*.schema.json).
 */
import type { TokenType } from '../adapters/types.js';
import { prohibitedClaims, schemaErrors } from '../schemas/catalog.js';
import { defineCheck, type Check } from './lib/check.js';
import { PROHIBITED_REQUIREMENT } from './lib/compare.js';
import { issuanceArb, issueAll } from './lib/issuance.js';

const REQ: Record<TokenType, string> = {
  access: 'CLAIMS-REQUIRED-ACCESS',
  id: 'CLAIMS-REQUIRED-ID',
  m2m: 'CLAIMS-REQUIRED-M2M',
};

export const checks: Check<any>[] = [
  defineCheck({
    name: 'required claims present and schema-valid in every token type',
    requirements: Object.values(REQ),
    needs: [],
    arbitrary: () => issuanceArb(),
    async predicate(input, judge, env) {
      const issued = await issueAll(env, judge, input, Object.values(REQ));
      for (const { type, token, trace, written } of issued.tokens) {
        if (!judge.focused(REQ[type])) continue;
        Object.assign(judge.trace, trace, { token: { header: token.header, payload: token.payload } });
        // Claims a workflow may set hold whatever it set: judge the issuer's claims only.
        const prohibited = prohibitedClaims(type);
        const issuerClaims = Object.fromEntries(Object.entries(token.payload).filter(([k]) => prohibited.has(k) || !written.has(k)));
        // A written claim stays present (workflows set, they cannot delete): only its type is free.
        const errors = schemaErrors(type, issuerClaims).filter(
          (e) => ![...written].some((n) => e === `/ must have required property '${n}'` && Object.hasOwn(token.payload, n)),
        );
        // Every error on a prohibited claim a workflow wrote: WF-PROHIBITED-* is broken by the same evidence.
        const onProhibitedWrite = (e: string) => [...written].some((n) => prohibited.has(n) && (e.startsWith(`/${n} `) || e.startsWith(`/${n}/`)));
        judge.check(errors.length === 0, REQ[type], 'ERR_CLAIM_INVALID', () => `${type} token payload breaks its schema: ${errors.slice(0, 5).join('; ')}`, {
          tokenType: type,
          token: { header: token.header, payload: token.payload },
          ...(errors.length > 0 && errors.every(onProhibitedWrite) ? { because: PROHIBITED_REQUIREMENT[type] } : {}),
        });
      }
    },
  }),
];
