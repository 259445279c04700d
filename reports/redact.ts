/**
 * Removes secrets from results before anything is written. Counterexamples
 * carry the generated tenant and requests, which include client secrets,
 * refresh tokens and keys; reports end up in CI artifacts and PR comments.
 *
 * Redaction is by shape (key names, JWK private members, PEM blocks) and then
 * by value: every secret found by shape is also blanked wherever else it
 * occurs as a substring (messages, replay commands, workflow sources).
 */
import type { RunResults } from './results.js';

export const REDACTED = '[redacted]';

/** Key names whose values are secret, compared lower-cased without `_`/`-`. */
const SECRET_KEYS = new Set([
  'secret',
  'clientsecret',
  'password',
  'passwd',
  'privatekey',
  'refreshtoken',
  'apikey',
  'secretkey',
  'signingkey',
]);

/** Private members of a JWK (RFC 7518 §6.2.2, §6.3.2 and `k` of symmetric keys). */
const JWK_PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

const PEM_PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;

/** `client_secret=…` style pairs inside free text (form bodies, curl commands). */
const INLINE_SECRET = /\b(client_secret|refresh_token|password)=([^&\s"']+)/gi;

/** Values shorter than this are not searched for as substrings: too likely to hit innocent text. */
const MIN_SUBSTRING_SECRET = 6;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

function isSecretKey(key: string): boolean {
  const k = normalizeKey(key);
  return SECRET_KEYS.has(k) || k.endsWith('secret') || k.endsWith('password');
}

function isJwkShaped(obj: Record<string, unknown>): boolean {
  return typeof obj['kty'] === 'string';
}

/** Every string of length ≥ MIN_SUBSTRING_SECRET inside `value`, iteratively. */
function collectSecretStrings(value: unknown, out: Set<string>): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.length >= MIN_SUBSTRING_SECRET) out.add(v);
    } else if (v !== null && typeof v === 'object') {
      for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
    }
  }
}

function redactString(s: string, known: readonly string[]): string {
  let out = s.replace(PEM_PRIVATE_KEY, REDACTED).replace(INLINE_SECRET, (_m, key: string) => `${key}=${REDACTED}`);
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * First pass: find secret values by shape, so the second pass can blank them
 * everywhere. Iterative: results read back may nest deep (a recursive walk
 * overflowed the stack on a 100,000-deep file).
 */
function findSecrets(value: unknown, found: Set<string>): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const obj = v as Record<string, unknown>;
    const jwk = isJwkShaped(obj);
    for (const [key, child] of Object.entries(obj)) {
      if ((isSecretKey(key) || (jwk && JWK_PRIVATE_MEMBERS.has(key))) && isSecretValue(child)) collectSecretStrings(child, found);
      else stack.push(child);
    }
  }
}

/**
 * Strings and structures (a JWK under `privateKey`) are secrets; numbers,
 * booleans, `null` and `""` are not: `lifetimes.refreshToken` is a duration,
 * and "there was none" is information.
 */
function isSecretValue(v: unknown): boolean {
  if (typeof v === 'string') return v !== '';
  return v !== null && typeof v === 'object';
}

/** A redacted deep copy of `value`, built iteratively (each copy filled in when its turn comes). */
function walk(value: unknown, known: readonly string[]): unknown {
  const root: { v: unknown } = { v: undefined };
  const work: Array<{ src: unknown; put: (v: unknown) => void }> = [{ src: value, put: (v) => (root.v = v) }];
  while (work.length > 0) {
    const { src, put } = work.pop()!;
    if (typeof src === 'string') put(redactString(src, known));
    else if (src === null || typeof src !== 'object') put(src);
    else if (Array.isArray(src)) {
      const out: unknown[] = new Array(src.length);
      put(out);
      src.forEach((v, i) => work.push({ src: v, put: (x) => (out[i] = x) }));
    } else {
      const obj = src as Record<string, unknown>;
      const jwk = isJwkShaped(obj);
      const out: Record<string, unknown> = {};
      put(out);
      for (const [key, v] of Object.entries(obj)) {
        const secret = isSecretKey(key) || (jwk && JWK_PRIVATE_MEMBERS.has(key));
        // Own data properties (`__proto__` stays an ordinary key), in the source's order.
        Object.defineProperty(out, key, { value: null, enumerable: true, writable: true, configurable: true });
        if (secret && isSecretValue(v)) out[key] = REDACTED;
        else work.push({ src: v, put: (x) => Object.defineProperty(out, key, { value: x, enumerable: true, writable: true, configurable: true }) });
      }
    }
  }
  return root.v;
}

/** A deep copy of `results` with every secret replaced by `"[redacted]"`. Never mutates its input. */
export function redact(results: RunResults): RunResults {
  const found = new Set<string>();
  findSecrets(results, found);
  found.delete(REDACTED);
  // Longest first, so a secret containing another is blanked whole.
  const known = [...found].sort((a, b) => b.length - a.length);
  return walk(results, known) as RunResults;
}
