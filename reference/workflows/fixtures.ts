/**
 * Workflow fixtures: the environment variables `kinde.env.get` answers and the
 * answers `kinde.fetch` / `kinde.secureFetch` give, as the user provides them
 * (schemas/workflow-fixtures.schema.json). Nothing ever leaves the machine: a
 * request no answer matches fails inside the workflow like a network error.
 *
 * URL patterns are whole URLs where `*` matches any run of characters and
 * `{kindeDomain}` stands for the run's `event.context.domains.kindeDomain`
 * (so one file serves every generated tenant). First match wins.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { JsonValue } from '../../adapters/types.js';
import schema from '../../schemas/workflow-fixtures.schema.json' with { type: 'json' };
import { createAjv } from '../../schemas/validate.js';
import { FIXTURE_LIMITS } from '../limits.js';

export const KINDE_DOMAIN_PLACEHOLDER = '{kindeDomain}';

export interface EnvValue {
  value: string;
  isSecret: boolean;
}

export type FetchBinding = 'kinde.fetch' | 'kinde.secureFetch';

export interface FetchFixture {
  /** Upper-case method, or `*` for any. */
  method: string;
  url: string;
  binding?: FetchBinding;
  status: number;
  headers: Record<string, string>;
  json?: JsonValue;
  text?: string;
}

export interface WorkflowFixtures {
  env: Record<string, EnvValue>;
  fetch: FetchFixture[];
}

/** One kinde.fetch / kinde.secureFetch call of a run. `fixture`: index in `fetch` of the answer, absent when none matched. */
export interface FetchRequest {
  binding: FetchBinding;
  method: string;
  url: string;
  fixture?: number;
}

export const EMPTY_FIXTURES: Readonly<WorkflowFixtures> = Object.freeze({ env: {}, fetch: [] });

export class WorkflowFixturesError extends Error {
  readonly code = 'ERR_WORKFLOW_FIXTURES';
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowFixturesError';
  }
}

let validate: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

function describe(e: ErrorObject, where: string): string {
  const path = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`)).join('');
  const field = `${where}${path}`;
  if (e.keyword === 'additionalProperties') return `${field} has an unknown field "${String(e.params.additionalProperty)}"`;
  if (e.keyword === 'required') return `${field} needs the field "${String(e.params.missingProperty)}"`;
  if (e.keyword === 'propertyNames') return `${field} has a key that is not a valid environment variable name (letters, digits, _ . -; not starting with a digit)`;
  if (e.keyword === 'oneOf') return `${field} must be a string or { "value": string, "isSecret"?: boolean }`;
  return `${field} ${e.message ?? 'is invalid'}`;
}

const fail = (message: string): never => {
  throw new WorkflowFixturesError(message);
};

/**
 * Validates fixtures (parsed JSON) and returns them normalized (string env
 * values become `{ value, isSecret: false }`, methods upper case, status 200 by
 * default). `where` names the source in errors (e.g. the file name).
 */
export function parseWorkflowFixtures(raw: unknown, where = 'fixtures'): WorkflowFixtures {
  validate ??= createAjv({ metaSchema: false }).compile(schema); // a shipped schema, meta-checked by the self-tests
  if (!validate(raw)) {
    // The deepest path first; at one path, the summary keyword (oneOf, propertyNames) over its parts.
    const rank = (e: ErrorObject) => (e.keyword === 'oneOf' || e.keyword === 'propertyNames' ? 0 : 1);
    const errors = [...(validate.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length || rank(a) - rank(b));
    const first = errors[0];
    return fail(first ? describe(first, where) : `${where} is invalid`);
  }
  const input = raw as { env?: Record<string, string | { value: string; isSecret?: boolean }>; fetch?: Array<Record<string, unknown>> };
  const bytes = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (bytes > FIXTURE_LIMITS.maxBytes) fail(`${where} is ${bytes} bytes of JSON; at most ${FIXTURE_LIMITS.maxBytes}`);
  const env: Record<string, EnvValue> = Object.create(null) as Record<string, EnvValue>;
  const entries = Object.entries(input.env ?? {});
  if (entries.length > FIXTURE_LIMITS.maxEnv) fail(`${where}.env has ${entries.length} variables; at most ${FIXTURE_LIMITS.maxEnv}`);
  for (const [key, v] of entries) {
    const value = typeof v === 'string' ? { value: v, isSecret: false } : { value: v.value, isSecret: v.isSecret === true };
    if (value.value.length > FIXTURE_LIMITS.maxEnvValueChars) fail(`${where}.env.${key} is longer than ${FIXTURE_LIMITS.maxEnvValueChars} characters`);
    env[key] = value;
  }
  const list = input.fetch ?? [];
  if (list.length > FIXTURE_LIMITS.maxFetch) fail(`${where}.fetch has ${list.length} answers; at most ${FIXTURE_LIMITS.maxFetch}`);
  const fetch = list.map((f, i): FetchFixture => {
    const at = `${where}.fetch[${i}]`;
    const url = f.url as string;
    if (f.json !== undefined && f.text !== undefined) fail(`${at} gives both "json" and "text": give one`);
    if (url.length > FIXTURE_LIMITS.maxUrlPatternChars) fail(`${at}.url is longer than ${FIXTURE_LIMITS.maxUrlPatternChars} characters`);
    const body = f.text !== undefined ? (f.text as string) : f.json !== undefined ? JSON.stringify(f.json) : '';
    if (body.length > FIXTURE_LIMITS.maxBodyChars) fail(`${at}: its body is longer than ${FIXTURE_LIMITS.maxBodyChars} characters`);
    const out: FetchFixture = {
      method: typeof f.method === 'string' ? f.method.toUpperCase() : '*',
      url,
      status: typeof f.status === 'number' ? f.status : 200,
      headers: { ...((f.headers as Record<string, string> | undefined) ?? {}) },
    };
    if (f.binding !== undefined) out.binding = f.binding as FetchBinding;
    if (f.json !== undefined) out.json = f.json as JsonValue;
    if (f.text !== undefined) out.text = f.text as string;
    return out;
  });
  return { env: { ...env }, fetch };
}

/** Parses fixtures from JSON text (a file's content); errors name `where`. */
export function parseWorkflowFixturesJson(text: string, where: string): WorkflowFixtures {
  if (Buffer.byteLength(text, 'utf8') > FIXTURE_LIMITS.maxBytes) fail(`${where} is larger than ${FIXTURE_LIMITS.maxBytes} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`${where} is not JSON: ${(e as Error).message}`);
  }
  return parseWorkflowFixtures(raw, where);
}

/** The fetch answers in the form the sandbox host matches (sandbox-io.js), with `{kindeDomain}` filled in. */
export function resolveFetchFixtures(fetch: readonly FetchFixture[], kindeDomain: string | undefined): string {
  const out = [];
  for (const [i, f] of fetch.entries()) {
    if (f.url.includes(KINDE_DOMAIN_PLACEHOLDER) && kindeDomain === undefined) continue; // cannot match this run
    const u = kindeDomain === undefined ? f.url : f.url.split(KINDE_DOMAIN_PLACEHOLDER).join(kindeDomain);
    let text: string;
    let json: string | null;
    if (f.text !== undefined) {
      text = f.text;
      json = isJson(f.text) ? f.text : null;
    } else {
      json = f.json !== undefined ? JSON.stringify(f.json) : null;
      text = json ?? '';
    }
    out.push({ i, m: f.method, u, b: f.binding ?? '', s: f.status, h: f.headers, t: text, j: json });
  }
  return JSON.stringify(out);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
