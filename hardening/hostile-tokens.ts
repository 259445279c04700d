/**
 * Hostile tokens: a real token of the reference rewritten into something a
 * broken or malicious issuer could send (nested 10,000 levels, 10,000
 * claims, 1 MB, not a JWT, 2 or 4 segments, bad base64url, bad UTF-8,
 * duplicate claim names), re-signed with RS256 by a substitute key whose
 * JWKS replaces the target's, so that each case is wrong in exactly one way.
 * Each kind names the requirement it must fail and what the message says.
 *
 * The JSON is written as text (JSON.stringify recurses and cannot write a
 * value nested 10,000 levels deep).
 */
import { webcrypto } from 'node:crypto';
import type { JsonObject, Jwks } from '../adapters/types.js';
import { freshKey, type SigningKey } from '../reference/keys.js';

export interface HostileTokenKind {
  description: string;
  /** The requirement the signature check must find FAILED. */
  fails: 'TOKEN-BOUNDED' | 'TOKEN-WELL-FORMED' | 'TOKEN-CLAIM-NAMES-UNIQUE';
  /** What its message must say. */
  says: RegExp;
  /** Header JSON text and payload JSON text (or raw segments) from the original claims. */
  build(payload: JsonObject): Parts;
}

/** JSON texts to encode and sign, or a finished string (not a JWS at all). */
type Parts = { header?: string; payload: string | Uint8Array; segments?: (header: string, payload: string, signature: string) => string } | { raw: string };

const json = (o: JsonObject): string => JSON.stringify(o);
/** `{…claims, "name": <value text>}` without parsing the value. */
const withMember = (o: JsonObject, name: string, valueText: string): string => `${json(o).slice(0, -1)},${JSON.stringify(name)}:${valueText}}`;
const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

export const HOSTILE_TOKENS = {
  'deep-10k': {
    description: 'a claim nested 10,000 levels deep',
    fails: 'TOKEN-BOUNDED',
    says: /characters long, over the bound of 16,384/,
    build: (p) => ({ payload: withMember(p, 'deep', nested(10_000)) }),
  },
  'deep-100': {
    description: 'a claim nested 100 levels deep (short enough to decode)',
    fails: 'TOKEN-BOUNDED',
    says: /payload nests deeper than 64 levels/,
    build: (p) => ({ payload: withMember(p, 'deep', nested(100)) }),
  },
  'claims-10k': {
    description: '10,000 extra claims',
    fails: 'TOKEN-BOUNDED',
    says: /over the bound of 16,384/,
    build: (p) => ({ payload: `${json(p).slice(0, -1)},${Array.from({ length: 10_000 }, (_, i) => `"c${i}":${i}`).join(',')}}` }),
  },
  'claims-1001': {
    description: '1,001 small claims in all (short enough to decode)',
    fails: 'TOKEN-BOUNDED',
    says: /payload has 1,001 claims, over the bound of 1,000/,
    build: (p) => {
      const extra = 1001 - Object.keys(p).length;
      return { payload: `${json(p).slice(0, -1)},${Array.from({ length: extra }, (_, i) => `"x-${i}":0`).join(',')}}` };
    },
  },
  'huge-1mb': {
    description: 'a 1 MB claim',
    fails: 'TOKEN-BOUNDED',
    says: /over the bound of 16,384/,
    build: (p) => ({ payload: withMember(p, 'blob', JSON.stringify('x'.repeat(1024 * 1024))) }),
  },
  'not-jwt': {
    description: 'an opaque string instead of a JWT',
    fails: 'TOKEN-WELL-FORMED',
    says: /3 segments \(RFC 7515 §7\.1\), this one has 1/,
    build: () => ({ raw: 'opaque-access-token-0123456789' }),
  },
  'four-segments': {
    description: 'a JWS with a fourth segment',
    fails: 'TOKEN-WELL-FORMED',
    says: /this one has 4/,
    build: (p) => ({ payload: json(p), segments: (h, b, s) => `${h}.${b}.${s}.${s}` }),
  },
  'two-segments': {
    description: 'header and payload only',
    fails: 'TOKEN-WELL-FORMED',
    says: /this one has 2/,
    build: (p) => ({ payload: json(p), segments: (h, b) => `${h}.${b}` }),
  },
  'bad-base64url': {
    description: 'a payload segment with characters outside base64url',
    fails: 'TOKEN-WELL-FORMED',
    says: /payload segment is not base64url/,
    build: (p) => ({ payload: json(p), segments: (h, b, s) => `${h}.${b.slice(0, 8)}*${b.slice(9)}.${s}` }),
  },
  'bad-utf8': {
    description: 'a payload that is not UTF-8',
    fails: 'TOKEN-WELL-FORMED',
    says: /payload is not valid UTF-8/,
    build: (p) => {
      const text = Buffer.from(withMember(p, 'name', '"\u0000"'));
      const at = text.lastIndexOf(0);
      text[at] = 0xff;
      return { payload: new Uint8Array(text) };
    },
  },
  'duplicate-sub': {
    description: 'the claims set repeats sub: a stale value first, the real one last',
    fails: 'TOKEN-CLAIM-NAMES-UNIQUE',
    says: /repeats member names .*payload \/sub \(2×\).*reads the last one: sub = /,
    build: (p) => ({ payload: `{"sub":"kp_stale",${json(p).slice(1)}` }),
  },
} as const satisfies Record<string, HostileTokenKind>;

export type HostileTokenName = keyof typeof HOSTILE_TOKENS;

/** Rewrites tokens into a hostile kind and signs them with its own RS256 key, whose JWKS it publishes. */
export class Resigner {
  readonly #key: SigningKey;
  private constructor(key: SigningKey) {
    this.#key = key;
  }

  static async create(): Promise<Resigner> {
    return new Resigner(await freshKey());
  }

  get jwks(): Jwks {
    return { keys: [{ ...this.#key.publicJwk }] };
  }

  /** The hostile version of `raw` (a token whose payload is trusted JSON), signed by this key. */
  async rewrite(raw: string, kind: HostileTokenName): Promise<string> {
    const payload = JSON.parse(Buffer.from(raw.split('.')[1] ?? '', 'base64url').toString('utf8')) as JsonObject;
    const parts: Parts = HOSTILE_TOKENS[kind].build(payload);
    if ('raw' in parts) return parts.raw;
    const header = b64url(parts.header ?? JSON.stringify({ alg: 'RS256', kid: this.#key.kid, typ: 'JWT' }));
    const body = b64url(parts.payload);
    const input = `${header}.${body}`;
    const signature = b64url(new Uint8Array(await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', this.#key.privateKey, Buffer.from(input, 'ascii'))));
    return parts.segments ? parts.segments(header, body, signature) : `${input}.${signature}`;
  }
}

function b64url(s: string | Uint8Array): string {
  return Buffer.from(s).toString('base64url');
}
