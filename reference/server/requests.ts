/**
 * Reading the requests of the protocol endpoints: the token form, HTTP Basic
 * client authentication and schema-checked, depth-bounded JSON control bodies.
 * Every problem is an {@link HttpError} naming what is wrong.
 */
import type { IncomingMessage } from 'node:http';
import { protocolErrors, type ProtocolMessage } from '../../schemas/protocol/validate.js';
import { SERVER_LIMITS } from '../limits.js';
import { HttpError, readBody, readJson, type FormFields } from './http-io.js';

/** JSON bodies nest no deeper than this; deeper is hostile (stack-hungry) input. */
const MAX_JSON_DEPTH = SERVER_LIMITS.maxJsonDepth;

export interface TokenForm {
  grant_type?: string;
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
  refresh_token?: string;
  client_id?: string;
  client_secret?: string;
  audience?: string[];
  scope?: string;
  org_code?: string;
}
const SINGLE_FIELDS = ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'client_id', 'client_secret', 'scope', 'org_code'] as const;

/**
 * The known token-request fields. Unknown ones are ignored and empty ones
 * count as omitted (RFC 6749 3.2); only `audience` may repeat (Kinde's way
 * of asking for several audiences).
 */
export function tokenForm(fields: FormFields): TokenForm {
  const form: TokenForm = {};
  for (const name of SINGLE_FIELDS) {
    const values = (fields.get(name) ?? []).filter((v) => v !== '');
    if (values.length > 1) throw new HttpError(400, 'invalid_request', `parameter "${name}" must not repeat (RFC 6749 3.2)`);
    if (values[0] !== undefined) form[name] = values[0];
  }
  const audience = (fields.get('audience') ?? []).filter((v) => v !== '');
  if (audience.length > 0) form.audience = audience;
  if (form.grant_type === undefined) throw new HttpError(400, 'invalid_request', 'grant_type is required');
  return form;
}

/** HTTP Basic client authentication (RFC 6749 2.3.1: both parts form-urlencoded). */
export function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (header === undefined) return undefined;
  const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  const fail = (why: string): never => {
    throw new HttpError(401, 'invalid_client', `malformed HTTP Basic client authentication: ${why}`, { 'WWW-Authenticate': 'Basic realm="token"' });
  };
  if (!m) return fail('expected "Basic <base64(client_id:client_secret)>"');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return fail('no ":" between client_id and client_secret');
  try {
    const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    if (id === '') return fail('empty client_id');
    return { id, secret };
  } catch {
    return fail('bad percent-encoding');
  }
}

/** A JSON body, checked against its protocol schema; a violation is a 400 naming the field. */
export async function readMessage(req: IncomingMessage, message: ProtocolMessage, error = 'invalid_request'): Promise<unknown> {
  const body = await readJson(req);
  const deep = tooDeep(body);
  if (deep !== undefined) throw new HttpError(400, error, `${message}: ${deep} nests deeper than ${MAX_JSON_DEPTH} levels`);
  const errors = protocolErrors(message, body);
  if (errors.length > 0) throw new HttpError(400, error, `${message}: ${errors.slice(0, 8).join('; ')}`);
  return body;
}

/** The JSON pointer of the first value nested deeper than the limit, iteratively (no recursion on hostile input). */
function tooDeep(value: unknown): string | undefined {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) return path || '/';
    for (const [k, child] of Object.entries(v)) stack.push({ v: child, path: `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth: depth + 1 });
  }
  return undefined;
}

/** Endpoints without a body ignore whatever is sent, within the size limit. */
export async function drain(req: IncomingMessage): Promise<void> {
  await readBody(req);
}
