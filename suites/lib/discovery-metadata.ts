/**
 * DISC-METADATA: the OPTIONAL members of the OpenID configuration that a
 * document carries are well-formed and agree with what the environment does.
 * A client library configures itself from them (which grants to offer, whether
 * PKCE is there, which scopes exist), so a member that contradicts behaviour
 * misleads every client that reads it. Absent members are never judged: the
 * RFCs make them optional and Kinde does not document its document's members.
 *
 * Sources: OpenID Connect Discovery 1.0 §3 (member types, response_types_supported),
 * RFC 8414 §2 (grant_types_supported, code_challenge_methods_supported: omitted
 * means no PKCE), RFC 7636 §4.2 (S256 is mandatory to implement on the server),
 * and Kinde's refresh-token page ("Kinde uses `offline` (not `offline_access`) …
 * Kinde does not support it").
 */
import type { JsonValue } from '../../adapters/types.js';
import { own } from './json.js';
import type { Judge } from './violation.js';

const REQ = 'DISC-METADATA';

/** Endpoint members a client may call: when present, an absolute http(s) URL. */
const ENDPOINT_MEMBERS = [
  'userinfo_endpoint',
  'end_session_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
  'registration_endpoint',
  'device_authorization_endpoint',
  'pushed_authorization_request_endpoint',
];

/** List members: when present, an array of strings (OIDC Discovery §3, RFC 8414 §2). */
const LIST_MEMBERS = [
  'grant_types_supported',
  'token_endpoint_auth_methods_supported',
  'code_challenge_methods_supported',
  'scopes_supported',
  'claims_supported',
  'response_modes_supported',
  'revocation_endpoint_auth_methods_supported',
  'introspection_endpoint_auth_methods_supported',
];

/** What the environment was seen doing while the document was read. */
export interface SeenBehaviour {
  /** Grant types the environment answered with tokens (authorization_code, refresh_token, client_credentials). */
  grants: string[];
}

function isUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Judge the optional members of `doc` (a JSON object) against what was seen. */
export function judgeMetadata(judge: Judge, doc: Record<string, JsonValue>, seen: SeenBehaviour): void {
  if (!judge.focused(REQ)) return;
  for (const m of ENDPOINT_MEMBERS) {
    const v = own(doc, m);
    if (v === undefined) continue;
    judge.check(isUrl(v), REQ, 'ERR_CLAIM_INVALID', () => `discovery ${m} is ${JSON.stringify(v)}, not an absolute http(s) URL`, { claim: m, actual: v });
  }
  for (const m of LIST_MEMBERS) {
    const v = own(doc, m);
    if (v === undefined) continue;
    judge.check(isStringList(v), REQ, 'ERR_CLAIM_INVALID', () => `discovery ${m} is ${JSON.stringify(v)}, not an array of strings`, { claim: m, actual: v });
  }

  const responseTypes = own(doc, 'response_types_supported');
  if (isStringList(responseTypes)) {
    // Kinde's sign-in is the authorization code flow (response_type=code in the docs' auth request).
    judge.check(responseTypes.includes('code'), REQ, 'ERR_CLAIM_MISMATCH', () => `discovery response_types_supported ${JSON.stringify(responseTypes)} lacks "code", the response type of every Kinde sign-in`, { claim: 'response_types_supported', expected: 'code', actual: responseTypes });
  }

  const grants = own(doc, 'grant_types_supported');
  if (isStringList(grants)) {
    for (const g of seen.grants) {
      judge.check(grants.includes(g), REQ, 'ERR_CLAIM_MISMATCH', () => `discovery grant_types_supported ${JSON.stringify(grants)} lacks ${g}, a grant the environment answered with tokens`, { claim: 'grant_types_supported', expected: g, actual: grants });
    }
  }

  const pkce = own(doc, 'code_challenge_methods_supported');
  if (isStringList(pkce)) {
    judge.check(pkce.includes('S256'), REQ, 'ERR_CLAIM_MISMATCH', () => `discovery code_challenge_methods_supported ${JSON.stringify(pkce)} lacks S256 (RFC 7636 §4.2: mandatory to implement on the server; the docs: use PKCE for SPAs)`, { claim: 'code_challenge_methods_supported', expected: 'S256', actual: pkce });
  }

  const scopes = own(doc, 'scopes_supported');
  if (isStringList(scopes)) {
    judge.check(!scopes.includes('offline_access'), REQ, 'ERR_CLAIM_MISMATCH', () => `discovery scopes_supported ${JSON.stringify(scopes)} advertises offline_access, which Kinde documents as unsupported (it uses offline)`, { claim: 'scopes_supported', actual: scopes });
  }
}
