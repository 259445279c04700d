/**
 * Typed access to the two catalogs: which claims each token type has
 * (claim-catalog.json) and which requirements the suites check
 * (requirements.json). Both files are validated against their schemas when
 * this module loads, so a broken catalog fails every run at import time
 * instead of producing a report with holes. The loaded data is frozen: suites
 * share it and must not mutate it.
 */
import type { Capabilities, Capability, RequirementInfo, TokenType } from './types.js';
import { CatalogError } from './errors.js';
import { formatErrors, sharedAjv } from './validate.js';
import claimCatalogJson from './claim-catalog.json' with { type: 'json' };
import claimCatalogSchema from './claim-catalog.schema.json' with { type: 'json' };
import requirementsJson from './requirements.json' with { type: 'json' };
import requirementsSchema from './requirements.schema.json' with { type: 'json' };

export { CatalogError } from './errors.js';
export type { CatalogErrorCode } from './errors.js';
export { SCHEMA_KINDS, createAjv, formatErrors, schemaErrors, validatorFor } from './validate.js';
export type { SchemaKind } from './validate.js';

/** required: in every token of its type; conditional: present when `condition` holds; optional: no documented rule. */
export type ClaimStatus = 'required' | 'conditional' | 'optional';

export interface ClaimEntry {
  readonly name: string;
  readonly status: ClaimStatus;
  /** Only for `conditional`, e.g. "scope profile requested". */
  readonly condition?: string;
  /** false exactly for the claims on the docs' prohibited list for this token type. */
  readonly workflowModifiable: boolean;
  readonly docUrl: string;
  /** Verbatim from the fact sheet. */
  readonly quote: string;
  readonly note?: string;
}

export interface ClaimCatalog {
  readonly version: 1;
  readonly source: string;
  /** The docs' list of claims workflows cannot modify: common ones plus per token type. */
  readonly prohibited: {
    readonly docUrl: string;
    readonly quote: string;
    readonly common: readonly string[];
    readonly access: readonly string[];
    readonly id: readonly string[];
    readonly m2m: readonly string[];
  };
  readonly tokens: Readonly<Record<TokenType, readonly ClaimEntry[]>>;
}

/**
 * One checkable statement. The fields shared with RequirementResult (reports/results.ts)
 * have the same types, so a result is `{ ...requirement, verdict, ... }`.
 */
export type Requirement = Readonly<RequirementInfo> & {
  /** Every one must be declared by the target for the requirement to apply. */
  readonly capabilities: readonly Capability[];
  /** For `inferred` requirements: what they are inferred from. */
  readonly note?: string;
};

/** Every requirement id, in catalog order. A test keeps this list equal to requirements.json. */
export const REQUIREMENT_IDS = [
  'SIG-RS256', 'SIG-KID-IN-JWKS', 'SIG-RSA-2048', 'TOKEN-JTI-UNIQUE', 'TOKEN-ISS',
  'CLAIMS-REQUIRED-ACCESS', 'CLAIMS-REQUIRED-ID', 'CLAIMS-REQUIRED-M2M',
  'WF-PROHIBITED-ACCESS', 'WF-PROHIBITED-ID', 'WF-PROHIBITED-M2M',
  'WF-CUSTOM-ACCESS', 'WF-CUSTOM-ID', 'WF-CUSTOM-M2M', 'WF-CUSTOM-ISOLATION',
  'WF-BINDING-REQUIRED', 'WF-EMPTY-PERMS-FLAGS', 'WF-ID-NAME', 'WF-M2M-MGMT-API',
  'WF-FAILURE-STOP', 'WF-FAILURE-CONTINUE', 'WF-LAST-WRITE', 'WF-HOSTILE-NAMES',
  'WF-TRIGGER', 'WF-REFRESH-ORIGIN',
  'ACCESS-SUB-AZP', 'ACCESS-SCP', 'ACCESS-AUD', 'ACCESS-ORG-CODE', 'ACCESS-PERMISSIONS', 'ACCESS-ROLES', 'ACCESS-LIFETIME',
  'ACCESS-BILLING-TRIAL',
  'ID-SUB-AZP', 'ID-AUD-ARRAY', 'ID-LIFETIME', 'ID-AUTH-TIME', 'ID-AT-HASH', 'ID-PROFILE-SCOPE', 'ID-EMAIL-SCOPE', 'ID-ORG-CODES',
  'ID-PROVIDED-ID',
  'M2M-GTY', 'M2M-SCOPE-SCP', 'M2M-VERSION', 'M2M-AZP-AUD', 'M2M-NO-USER-CLAIMS', 'M2M-LIFETIME',
  'FLAGS-SHAPE', 'FLAGS-M2M-TOGGLED',
  'ORG-M2M-ORG-CODE', 'ORG-M2M-GLOBAL', 'ORG-M2M-NO-OVERRIDE',
  'PROP-PUBLIC-ONLY', 'PROP-BY-APP-KIND', 'PROP-SHAPE',
  'RT-OFFLINE-ONLY', 'RT-OFFLINE-ACCESS', 'RT-ROTATE', 'RT-OLD-REFUSED', 'RT-ACCESS-UNCHANGED', 'RT-ACCESS-NEW-AFTER-EXPIRY', 'RT-LIFETIME',
  'RESP-SHAPE',
  'VERIFY-ACCEPT-VALID', 'VERIFY-ALG-NONE', 'VERIFY-ALG-HMAC', 'VERIFY-HEADER-KEY', 'VERIFY-KID', 'VERIFY-EXP', 'VERIFY-EXP-REQUIRED', 'VERIFY-NBF',
  'VERIFY-ISS', 'VERIFY-AUD', 'VERIFY-TOKEN-TYPE', 'VERIFY-CRIT', 'VERIFY-TAMPER', 'VERIFY-ENCODING', 'VERIFY-RSA-2048', 'VERIFY-BOUNDED', 'VERIFY-KEY-ROTATION',
  'VERIFY-ORG-401', 'VERIFY-ORG-MISSING-403', 'VERIFY-ORG-MISMATCH', 'VERIFY-ORG-MISMATCH-403', 'VERIFY-ORG-MATCH',
  'SIG-JWKS-PUBLIC-ONLY', 'TOKEN-WELL-FORMED', 'TOKEN-CLAIM-NAMES-UNIQUE', 'TOKEN-BOUNDED',
  'VERIFY-ALG-RS256',
  'TOKEN-TIMES',
  'ACCESS-OPTIONAL-CLAIMS',
  'ID-UPDATED-AT',
  'RESP-CONSISTENT',
  'TOKEN-NO-FOREIGN-CLAIMS',
  'SIG-JWK-USE',
  'RT-CLIENT-BOUND',
  'ACCESS-FLAGS',
  'ID-REFRESH-CLAIMS',
  'WF-NATIVE-BINDING-GATE',
  'WF-FIXTURE-VALUES',
  'WF-AWAIT-WRITES', 'WF-ALL-WORKFLOWS-RUN', 'WF-UNDEFINED-CLAIM', 'WF-EVENT-FIELDS',
  'DISC-REQUIRED-MEMBERS', 'DISC-ISSUER', 'DISC-JWKS-URI', 'DISC-SIGNING-ALGS', 'DISC-METADATA', 'JWKS-BOTH-PATHS', 'RESP-NO-STORE', 'RESP-JSON', 'TOKEN-CLIENT-AUTH', 'TOKEN-NO-ESCALATION',
  'VERIFY-JWKS-KEY-ORDER', 'VERIFY-ORG-USER-INPUT', 'VERIFY-AUTH-ONE-TOKEN', 'VERIFY-BEARER-CASE', 'VERIFY-INVALID-401',
  'TOKEN-HEADER-MEMBERS',
  // Token revocation (RFC 7009; suites/revocation.ts)
  'REVOKE-REFRESH-REFUSED', 'REVOKE-ACCESS-NEW-ON-REFRESH', 'REVOKE-INVALID-TOKEN-200', 'REVOKE-CLIENT-BOUND',
  'CODE-SINGLE-USE', 'CODE-REUSE-REVOKES', 'CODE-PKCE-BOUND', 'CODE-REDIRECT-BOUND', 'CODE-CLIENT-BOUND', 'TOKEN-ERROR-CODES',
  'SIG-JWK-ENCODING', 'M2M-NO-REFRESH-TOKEN',
] as const;
export type RequirementId = (typeof REQUIREMENT_IDS)[number];

/** Validates `data` against `schema` and returns it typed as T, or throws ERR_CATALOG_INVALID. */
function load<T>(file: string, schema: object, data: unknown): T {
  const validate = sharedAjv().compile(schema);
  if (!validate(data)) {
    throw new CatalogError('ERR_CATALOG_INVALID', `${file} breaks its schema: ${formatErrors(validate.errors).join('; ')}`);
  }
  return deepFreeze(data) as T;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const claimCatalog: ClaimCatalog = load<ClaimCatalog>('claim-catalog.json', claimCatalogSchema, claimCatalogJson);
export const requirements: readonly Requirement[] = load<Requirement[]>('requirements.json', requirementsSchema, requirementsJson);

const byId = new Map<string, Requirement>(requirements.map((r) => [r.id, r]));

/** The requirement with this id. Throws ERR_UNKNOWN_REQUIREMENT: a suite naming an unknown id is a bug. */
export function requirementById(id: string): Requirement {
  const found = byId.get(id);
  if (!found) throw new CatalogError('ERR_UNKNOWN_REQUIREMENT', `no requirement ${JSON.stringify(id)} in schemas/requirements.json`);
  return found;
}

const prohibitedSets = new Map<TokenType, ReadonlySet<string>>();

/** Claims no workflow may modify in tokens of this type: the docs' common list plus the type's own. */
export function prohibitedClaims(tokenType: TokenType): ReadonlySet<string> {
  let set = prohibitedSets.get(tokenType);
  if (!set) {
    set = new Set([...claimCatalog.prohibited.common, ...claimCatalog.prohibited[tokenType]]);
    prohibitedSets.set(tokenType, set);
  }
  return set;
}

/** The catalog entry for one claim of one token type, if the docs name it. */
export function claimEntry(tokenType: TokenType, name: string): ClaimEntry | undefined {
  return claimCatalog.tokens[tokenType].find((c) => c.name === name);
}

/** Token types a target with these capabilities can issue: user tokens need `userTokens`, M2M tokens `m2m`. */
export function issuableTokenTypes(capabilities: Capabilities): TokenType[] {
  const types: TokenType[] = [];
  if (capabilities.userTokens) types.push('access', 'id');
  if (capabilities.m2m) types.push('m2m');
  return types;
}

/**
 * Whether a requirement can be checked against a target: every capability it
 * lists is declared, and, if it inspects tokens, the target issues at least
 * one of those token types. Otherwise its verdict is NOT_APPLICABLE.
 */
export function isApplicable(requirement: Requirement, capabilities: Capabilities): boolean {
  if (!requirement.capabilities.every((c) => capabilities[c])) return false;
  if (requirement.tokenTypes.length === 0) return true;
  const issuable = issuableTokenTypes(capabilities);
  return requirement.tokenTypes.some((t) => issuable.includes(t));
}
