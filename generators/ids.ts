/**
 * Arbitraries for Kinde-shaped identifiers and keys.
 *
 * Built from fixed-size units rather than regexes so that they shrink towards
 * short, boring values (`kp_000…`, `aaa`) and stay cheap to generate.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

const HEX = [...'0123456789abcdef'];
const LOWER = [...'abcdefghijklmnopqrstuvwxyz'];
const DIGITS = [...'0123456789'];
const ALNUM = [...LOWER, ...DIGITS, ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** Exactly `length` lowercase hex digits. */
export function hexArb(length: number): Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length });
}

/** A lowercase word `^[a-z][a-z0-9<extra>]{min-1,max-1}$`. */
export function wordArb(minLength: number, maxLength: number, extra = ''): Arbitrary<string> {
  const rest = fc.string({
    unit: fc.constantFrom(...LOWER, ...DIGITS, ...extra),
    minLength: Math.max(0, minLength - 1),
    maxLength: Math.max(0, maxLength - 1),
  });
  return fc.tuple(fc.constantFrom(...LOWER), rest).map(([head, tail]) => head + tail);
}

/** An identifier from the customer's own system (an organization's external ID): letters of both cases, digits and dashes. */
export const externalIdArb: Arbitrary<string> = fc
  .tuple(fc.constantFrom(...ALNUM), fc.string({ unit: fc.constantFrom(...ALNUM, '-'), maxLength: 15 }))
  .map(([head, tail]) => head + tail);

/** Kinde user id: `kp_` + 32 lowercase hex. */
export const userIdArb: Arbitrary<string> = hexArb(32).map((h) => `kp_${h}`);

/** Organization code: `org_` + 11 lowercase hex (the docs' `org_xxxxxxxxxxx`). */
export const orgCodeArb: Arbitrary<string> = hexArb(11).map((h) => `org_${h}`);

/** Application client id: 32 lowercase hex (as the docs' `azp` example). */
export const clientIdArb: Arbitrary<string> = hexArb(32);

/** Client secret: 40–60 alphanumerics. The docs show no format; only opacity matters. */
export const clientSecretArb: Arbitrary<string> = fc.string({
  unit: fc.constantFrom(...ALNUM),
  minLength: 40,
  maxLength: 60,
});

/** Environment subdomain `^[a-z][a-z0-9]{2,14}$`; issuer is `https://<subdomain>.kinde.com`. */
export const subdomainArb: Arbitrary<string> = wordArb(3, 15);

/**
 * API audience. Both documented shapes: `myapp:prod-api` and URL-like
 * `https://api.example.com/v1`. Never a `*.kinde.com` URL, so it cannot collide
 * with the Management API audience.
 */
export const audienceArb: Arbitrary<string> = fc.oneof(
  fc
    .tuple(wordArb(2, 10), fc.constantFrom('prod', 'dev', 'staging', 'test'))
    .map(([app, env]) => `${app}:${env}-api`),
  fc
    .tuple(wordArb(2, 10), fc.constantFrom('example.com', 'example.org', 'acme.test'), fc.integer({ min: 1, max: 3 }))
    .map(([host, domain, v]) => `https://${host}.${domain}/v${v}`),
);

const VERBS = ['read', 'write', 'create', 'update', 'delete', 'view', 'invite', 'manage'] as const;

/** Permission key / API scope `verb:noun`, e.g. `create:competitions`. */
export const permissionKeyArb: Arbitrary<string> = fc
  .tuple(fc.constantFrom(...VERBS), wordArb(2, 12, '_-'))
  .map(([verb, noun]) => `${verb}:${noun}`);

/** Role key, e.g. `admin`, `billing-manager`. */
export const roleKeyArb: Arbitrary<string> = wordArb(2, 16, '_-');

/** Feature flag key, e.g. `new-ai-agent`, `theme`. */
export const flagKeyArb: Arbitrary<string> = wordArb(2, 20, '_-');

/** User property key: `kp_usr_*`. */
export const userPropertyKeyArb: Arbitrary<string> = wordArb(1, 16, '_').map((k) => `kp_usr_${k}`);

/** Organization property key: `kp_org_*`. */
export const orgPropertyKeyArb: Arbitrary<string> = wordArb(1, 16, '_').map((k) => `kp_org_${k}`);

/** Application property key: any lowercase key (the docs show none; the M2M tutorial uses `org_code`). */
export const appPropertyKeyArb: Arbitrary<string> = wordArb(1, 20, '_');
