/**
 * The hostile-target cases of the hardening harness: one entry each, easy to
 * extend. A case is a {@link Behaviour} of the proxy in front of the
 * reference `serve` (or `serve` with a seeded defect), the exit code the CLI
 * must give, and whether it belongs to the fast subset CI runs.
 *
 * Exit codes (README): 1 a requirement FAILED or ERRORED (a target that answers
 * but is wrong), 2 usage or configuration error (a target speaking another
 * protocol version is one: the suite says which version to run), 3 the target
 * could not be reached (nothing listening, hung, timing out, dead).
 */
import { randomBytes } from 'node:crypto';
import type { Jwk } from '../adapters/types.js';
import type { DefectName } from '../reference/defects.js';
import type { Stall } from './bars.js';
import { Resigner, type HostileTokenName } from './hostile-tokens.js';
import type { Behaviour, Reply } from './proxy.js';

export interface HardeningCase {
  name: string;
  description: string;
  /** The exit code the CLI must give. */
  exit: 0 | 1 | 2 | 3;
  /**
   * What its wall time is made of, for its bar (hardening/bars.ts): nothing
   * answers at the start, one call stalls, the target dies mid-run, or (the
   * default) the target answers, wrongly, and the suite runs as for the control.
   */
  stall?: Stall;
  /** Part of the fast subset (`--fast`, CI). */
  fast?: boolean;
  /** With `--fast`: only these requirements (`--only`), to keep the subset short. */
  fastOnly?: string[];
  /** `serve` runs with these seeded defects behind the proxy. */
  defects?: DefectName[];
  /** No target at all: the URL of a closed port. */
  unreachable?: boolean;
  behaviour?: () => Behaviour | Promise<Behaviour>;
}

const json = (status: number, body: unknown): Reply => ({ kind: 'status', status, body: JSON.stringify(body) });

/** Tokens of every answer of the token endpoint rewritten into a hostile kind, signed by a substitute key it publishes. */
function hostileTokens(kind: HostileTokenName): () => Promise<Behaviour> {
  return async () => {
    const resigner = await Resigner.create();
    return {
      async rewrite(req, body) {
        if (req.route === 'jwks') return resigner.jwks;
        if (req.route === 'handshake') return withCapability(body, 'keyRotation', false);
        if (req.route !== 'token' || typeof body !== 'object' || body === null) return body;
        const b = body as Record<string, unknown>;
        for (const f of ['access_token', 'id_token']) if (typeof b[f] === 'string') b[f] = await resigner.rewrite(b[f] as string, kind);
        return b;
      },
    };
  };
}

function withCapability(handshake: unknown, name: string, value: boolean): unknown {
  const h = handshake as { capabilities?: Record<string, boolean> };
  return { ...h, capabilities: { ...h.capabilities, [name]: value } };
}

async function* times(n: number, chunk: string): AsyncIterable<string> {
  for (let i = 0; i < n; i++) yield chunk;
}

export const CASES: HardeningCase[] = [
  {
    name: 'control',
    description: 'the proxy forwards everything faithfully (the harness itself is not the failure)',
    exit: 0,
  },
  {
    name: 'unreachable',
    stall: 'start',
    description: 'nothing listens at the URL',
    exit: 3,
    fast: true,
    unreachable: true,
  },
  {
    name: 'hang-all',
    stall: 'start',
    description: 'accepts connections and never answers anything',
    exit: 3,
    fast: true,
    behaviour: () => ({ intercept: () => ({ kind: 'hang' }) }),
  },
  {
    name: 'hang-token',
    stall: 'call',
    description: 'handshake and control surface answer; the token endpoint never does',
    exit: 3,
    behaviour: () => ({ intercept: (r) => (r.route === 'token' ? { kind: 'hang' } : undefined) }),
  },
  {
    name: 'trickle-jwks',
    stall: 'call',
    description: 'the JWKS arrives one byte every 250 ms',
    exit: 3,
    behaviour: () => ({ trickle: (r) => (r.route === 'jwks' ? { bytes: 1, everyMs: 250 } : undefined) }),
  },
  {
    name: 'body-10mb',
    description: 'the token endpoint answers a 10 MB JSON body (chunked, no length)',
    exit: 1,
    behaviour: () => ({
      intercept: (r) =>
        r.route === 'token'
          ? { kind: 'stream', status: 200, contentType: 'application/json', chunks: async function* () {
              yield '{"token_type":"Bearer","access_token":"';
              yield* times(160, 'a'.repeat(64 * 1024));
              yield '"}';
            } }
          : undefined,
    }),
  },
  {
    name: 'garbage',
    description: 'the token endpoint answers 200 with random bytes labelled application/json',
    exit: 1,
    behaviour: () => ({ intercept: (r) => (r.route === 'token' ? { kind: 'status', status: 200, body: randomBytes(4096).toString('latin1') } : undefined) }),
  },
  {
    name: 'http-500',
    description: 'the token endpoint answers 500',
    exit: 1,
    behaviour: () => ({ intercept: (r) => (r.route === 'token' ? json(500, { error: 'server_error', error_description: 'boom' }) : undefined) }),
  },
  {
    name: 'dies-mid-run',
    stall: 'death',
    description: 'the target process exits after 300 requests',
    exit: 3,
    behaviour: () => ({ intercept: (r) => (r.count > 300 ? { kind: 'die' } : undefined) }),
  },
  {
    name: 'redirects',
    description: 'the token endpoint answers 302 to another host',
    exit: 1,
    behaviour: () => ({ intercept: (r) => (r.route === 'token' ? { kind: 'status', status: 302, body: '', headers: { location: 'http://127.0.0.1:9/oauth2/token' } } : undefined) }),
  },
  {
    name: 'jwks-10k-keys',
    description: 'the JWKS lists 10,000 RSA keys (the signing key among them), about 4 MB',
    exit: 1,
    behaviour: () => {
      // Built once per key set (the proxy then serializes it once): answering quickly on a loaded machine, so that
      // the row judges what the command line does with 4 MB of keys, not how long the proxy took to make them.
      let last: { id: string; out: unknown } | undefined;
      return {
        rewrite: (r, body) => {
          if (r.route !== 'jwks') return body;
          const keys = (body as { keys: Jwk[] }).keys;
          const id = JSON.stringify(keys);
          if (last?.id !== id) {
            const decoys = Array.from({ length: 10_000 - keys.length }, (_, i) => ({ ...keys[0]!, kid: `decoy-${i}` }));
            last = { id, out: { keys: [...decoys, ...keys] } };
          }
          return last.out;
        },
      };
    },
  },
  {
    name: 'wrong-protocol',
    stall: 'start',
    description: 'the handshake says protocol 2',
    exit: 2,
    fast: true,
    behaviour: () => ({ rewrite: (r, body) => (r.route === 'handshake' ? { ...(body as object), protocol: 2 } : body) }),
  },
  {
    name: 'wrong-types',
    description: 'token responses carry expires_in as a string and token_type as a number',
    exit: 1,
    behaviour: () => ({
      rewrite: (r, body) => (r.route === 'token' && typeof body === 'object' && body !== null && 'access_token' in body ? { ...body, expires_in: '3600', token_type: 42 } : body),
    }),
  },
  {
    name: 'deep-token',
    description: 'tokens carry a claim nested 10,000 levels deep',
    exit: 1,
    fast: true,
    fastOnly: ['TOKEN-BOUNDED', 'ACCESS-SUB-AZP'],
    behaviour: hostileTokens('deep-10k'),
  },
  {
    name: 'deep-token-decodable',
    description: 'tokens carry a claim nested 100 levels deep (short enough to decode)',
    exit: 1,
    behaviour: hostileTokens('deep-100'),
  },
  {
    name: 'huge-token',
    description: 'tokens carry a 1 MB claim',
    exit: 1,
    behaviour: hostileTokens('huge-1mb'),
  },
  {
    name: 'claims-10k',
    description: 'tokens carry 10,000 extra claims',
    exit: 1,
    behaviour: hostileTokens('claims-10k'),
  },
  {
    name: 'non-jwt',
    description: 'the token endpoint returns opaque strings instead of JWTs',
    exit: 1,
    behaviour: hostileTokens('not-jwt'),
  },
  {
    name: 'private-key-jwks',
    description: 'serve with the seeded defect jwks-publishes-private-key',
    exit: 1,
    fast: true,
    fastOnly: ['SIG-JWKS-PUBLIC-ONLY'],
    defects: ['jwks-publishes-private-key'],
  },
  {
    name: 'hmac-secret-jwks',
    description: 'serve with the seeded defect jwks-publishes-hmac-secret',
    exit: 1,
    defects: ['jwks-publishes-hmac-secret'],
  },
];

export function caseByName(name: string): HardeningCase | undefined {
  return CASES.find((c) => c.name === name);
}
