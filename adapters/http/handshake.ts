/**
 * The handshake of target protocol v1 (docs/target-protocol.md §3) and the
 * capabilities the suite takes from it.
 */
import type { Capabilities } from '../types.js';

/** Capabilities a target declares; the others are the adapter's to set. */
const DECLARED: readonly (keyof Capabilities)[] = [
  'userTokens',
  'refresh',
  'm2m',
  'orgScopedM2m',
  'workflows',
  'properties',
  'featureFlags',
  'clock',
  'keyRotation',
  'workflowFixtures',
  // Token revocation (RFC 7009): declared by the target, reached at its revocation endpoint (http/revoke.ts).
  'revocation',
];

export interface Handshake {
  protocol: number;
  /** Absent = 0. 1.1 adds workflow fixtures. */
  protocolMinor?: number;
  implementation: { name: string; version: string };
  capabilities: Capabilities;
  refreshOverlapSeconds?: number;
  sessions?: boolean;
}

export function capabilitiesOf(handshake: Handshake): Capabilities {
  const caps = Object.fromEntries(DECLARED.map((c) => [c, handshake.capabilities[c] === true])) as unknown as Capabilities;
  // A capability of protocol 1.1 counts only from a target that speaks 1.1.
  if ((handshake.protocolMinor ?? 0) < 1) caps.workflowFixtures = false;
  // Over HTTP the suite sees headers, discovery and both JWKS paths itself: not the target's to declare.
  caps.httpSurface = true;
  // Protocol 1.0 already carries the code (§6.4: sign-in answers it, bound as asked; §5.3: the token
  // endpoint takes code, redirect_uri, code_verifier): whoever issues user tokens exchanges codes.
  caps.codeExchange = caps.userTokens;
  return caps;
}
