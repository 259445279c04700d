/**
 * Required claims present and well typed, per token type, whatever a
 * workflow did (schemas/*.schema.json).
 */
import { TOKEN_TYPES, type TokenType } from '../adapters/types.js';
import { claimCatalog, prohibitedClaims, schemaErrors } from '../schemas/catalog.js';
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
  defineCheck({
    name: 'no token carries a claim that belongs to another kind of token',
    requirements: ['TOKEN-NO-FOREIGN-CLAIMS'],
    needs: [],
    arbitrary: () => issuanceArb(),
    async predicate(input, judge, env) {
      const req = 'TOKEN-NO-FOREIGN-CLAIMS';
      const issued = await issueAll(env, judge, input, [req]);
      for (const { type, token, trace, written } of issued.tokens) {
        Object.assign(judge.trace, trace, { token: { header: token.header, payload: token.payload } });
        // What workflows set is theirs to name; only the issuer's own claims are judged.
        const foreign = Object.keys(token.payload).filter((k) => (FOREIGN[type].has(k) || k.startsWith('ext_')) && !written.has(k));
        judge.check(foreign.length === 0, req, 'ERR_CLAIM_UNEXPECTED', () => `${type} token carries ${foreign.join(', ')}: ${FOREIGN_WHY[type]}`, {
          tokenType: type,
          claim: foreign[0] ?? '',
          token: { header: token.header, payload: token.payload },
        });
      }
    },
  }),
];

const names = (t: TokenType) => new Set(claimCatalog.tokens[t].map((c) => c.name));
/** Claims the docs document for user tokens (access or ID) and not for M2M tokens. */
const USER_ONLY = new Set([...names('access'), ...names('id')].filter((n) => !names('m2m').has(n)));

/**
 * Per token type, claims that would make it look like another kind: gty (the
 * M2M token's grant type) in user tokens, user-only claims in M2M tokens, and
 * act (RFC 8693 delegation) anywhere, since no generated flow delegates. Any
 * ext_ claim too: generated users never sign in through an enterprise connection.
 */
const FOREIGN: Record<TokenType, ReadonlySet<string>> = Object.fromEntries(
  TOKEN_TYPES.map((t) => [t, new Set([...(t === 'm2m' ? USER_ONLY : ['gty']), 'act'])]),
) as unknown as Record<TokenType, ReadonlySet<string>>;

const FOREIGN_WHY: Record<TokenType, string> = {
  access: 'gty marks an M2M token ("always client_credentials"), act a delegation and ext_ an enterprise sign-in, none of which happened',
  id: 'gty marks an M2M token ("always client_credentials"), act a delegation and ext_ an enterprise sign-in, none of which happened',
  m2m: 'the docs document these only for user tokens, and no user is involved in client credentials',
};
