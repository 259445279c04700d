/**
 * Validators for the HTTP target protocol (docs/target-protocol.md). Both
 * sides use them: the reference server checks what it receives, the `http`
 * adapter (with `--validate-protocol`) checks every exchange. Strict Ajv
 * 2020-12, so a schema typo fails at compile time instead of accepting
 * everything.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import clockRequest from './clock-request.schema.json' with { type: 'json' };
import clockResponse from './clock-response.schema.json' with { type: 'json' };
import discovery from './discovery.schema.json' with { type: 'json' };
import error from './error.schema.json' with { type: 'json' };
import handshake from './handshake.schema.json' with { type: 'json' };
import jwks from './jwks.schema.json' with { type: 'json' };
import session from './session.schema.json' with { type: 'json' };
import signInRequest from './sign-in-request.schema.json' with { type: 'json' };
import signInResponse from './sign-in-response.schema.json' with { type: 'json' };
import tenant from './tenant.schema.json' with { type: 'json' };
import tokenRequest from './token-request.schema.json' with { type: 'json' };
import tokenResponse from './token-response.schema.json' with { type: 'json' };
import workflowRequest from './workflow-request.schema.json' with { type: 'json' };
import workflowResponse from './workflow-response.schema.json' with { type: 'json' };
import workflowFixtures from '../workflow-fixtures.schema.json' with { type: 'json' };

// ajv-formats is CommonJS; the default import is the plugin or a namespace holding it depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule;

/** The protocol version this suite speaks. */
export const PROTOCOL_VERSION = 1;
/**
 * Its minor version, declared in the handshake as `protocolMinor` (absent = 0). 1.1 adds workflow fixtures
 * (`fixtures` in POST /_conformance/v1/workflows, capability `workflowFixtures`); a 1.0 peer ignores both.
 */
export const PROTOCOL_MINOR = 1;
/** Handshake `protocol` values the suite accepts. */
export const SUPPORTED_PROTOCOLS: readonly number[] = [1];

const SCHEMAS = {
  error,
  handshake,
  session,
  discovery,
  jwks,
  tenant,
  'token-request': tokenRequest,
  'token-response': tokenResponse,
  'sign-in-request': signInRequest,
  'sign-in-response': signInResponse,
  'workflow-request': workflowRequest,
  'workflow-response': workflowResponse,
  'clock-request': clockRequest,
  'clock-response': clockResponse,
} as const;

/** Every message body of the protocol has a schema named here. */
export type ProtocolMessage = keyof typeof SCHEMAS;
export const PROTOCOL_MESSAGES = Object.keys(SCHEMAS) as ProtocolMessage[];

let ajv: Ajv2020 | undefined;
const compiled = new Map<ProtocolMessage, ValidateFunction>();

function validator(name: ProtocolMessage): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    if (!ajv) {
      ajv = new Ajv2020({ strict: true, allErrors: true });
      addFormats(ajv);
      ajv.addSchema(workflowFixtures);
    }
    v = ajv.compile(SCHEMAS[name]);
    compiled.set(name, v);
  }
  return v;
}

/** The JSON Schema of a message (for docs and tests). */
export function protocolSchema(name: ProtocolMessage): object {
  return SCHEMAS[name];
}

/**
 * Violations of `name`'s schema, one readable line each, naming the field:
 * `/applications/0/kind must be equal to one of the allowed values: ["frontend","backend","m2m"]`.
 * Empty when valid.
 */
export function protocolErrors(name: ProtocolMessage, value: unknown): string[] {
  const v = validator(name);
  return v(value) ? [] : format(v.errors);
}

function format(errors: readonly ErrorObject[] | null | undefined): string[] {
  const out: string[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    let where = e.instancePath === '' ? '/' : e.instancePath;
    let message = e.message ?? `fails ${e.keyword}`;
    if (e.keyword === 'additionalProperties') {
      where = `${e.instancePath}/${String(e.params['additionalProperty'])}`;
      message = 'is not allowed here';
    } else if (e.keyword === 'required') {
      where = `${e.instancePath}/${String(e.params['missingProperty'])}`;
      message = 'is required';
    } else if (e.keyword === 'enum' || e.keyword === 'const') {
      message += `: ${JSON.stringify(e.keyword === 'enum' ? e.params['allowedValues'] : e.params['allowedValue'])}`;
    }
    const line = `${where} ${message}`;
    if (!out.includes(line)) out.push(line);
  }
  // Wrong values first: "/x must be string" says more than the "is required" lines that often follow.
  return out.sort((a, b) => Number(a.endsWith(' is required')) - Number(b.endsWith(' is required')));
}
