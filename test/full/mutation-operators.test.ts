/**
 * The mutation operators change what they claim to, and nothing else, the
 * same way every time. Value edits are checked on their own; every generated
 * operator is then applied through MutantAdapter to fixed answers of a fake
 * target whose tokens carry every catalog claim (or only the required ones),
 * and compared with the identity operator's answers.
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_TYPES, type Adapter, type JsonObject, type JsonValue, type Jwks, type TokenResult, type TokenType } from '../../adapters/types.js';
import { sharedKey } from '../../reference/keys.js';
import { claimCatalog } from '../../schemas/catalog.js';
import { MutantAdapter } from '../../mutation/adapter.js';
import { plausibleValue } from '../../mutation/claim-shapes.js';
import { campaignKeys, type CampaignKeys } from '../../mutation/jws.js';
import { allOperators, IDENTITY, sampleOperators, selectOperators } from '../../mutation/operators.js';
import type { Operator } from '../../mutation/types.js';
import { convert, JSON_KINDS, kindOf, nearMisses, otherId } from '../../mutation/values.js';

describe('value edits', () => {
  const s = 'kp_0a1b2c3d';
  const edit = (kind: Parameters<typeof nearMisses>[0], id: string) => nearMisses(kind).find((e) => e.id === id)!;

  it('string edits: insert, delete, replace at a position; case; whitespace; another ID of the same shape', () => {
    for (const p of ['start', 'middle', 'end']) {
      expect((edit('string', `insert@${p}`).apply(s, 'x') as string).length).toBe(s.length + 1);
      expect((edit('string', `delete@${p}`).apply(s, 'x') as string).length).toBe(s.length - 1);
      const r = edit('string', `replace@${p}`).apply(s, 'x') as string;
      expect(r.length).toBe(s.length);
      expect([...r].filter((c, i) => c !== s[i])).toHaveLength(1);
    }
    expect(edit('string', 'insert@start').apply(s, 'x')).toMatch(/^.kp_0a1b2c3d$/);
    expect(edit('string', 'delete@end').apply(s, 'x')).toBe('kp_0a1b2c3');
    expect(edit('string', 'upper').apply(s, 'x')).toBe('KP_0A1B2C3D');
    expect(edit('string', 'lower').apply(s, 'x')).toBeUndefined();
    expect(edit('string', 'ws-leading').apply(s, 'x')).toBe(` ${s}`);
    expect(edit('string', 'ws-trailing').apply(s, 'x')).toBe(`${s} `);
    const other = edit('string', 'other-id').apply(s, 'x') as string;
    expect(other).toMatch(/^kp_[0-9a-f]{8}$/);
    expect(other).not.toBe(s);
    expect(otherId('https://acme.kinde.com', 'x')).toMatch(/^https:\/\/[a-z]{4}\.kinde\.com$/);
    expect(otherId('https://acme.kinde.com', 'x')).not.toBe('https://acme.kinde.com');
  });

  it('number edits move by the generated offsets; booleans negate', () => {
    expect(nearMisses('number').map((e) => (e.apply(1000, 'x') as number) - 1000)).toEqual([1, -1, 60, -60, 3600, -3600, 86400, -86400]);
    expect(edit('boolean', 'negate').apply(true, 'x')).toBe(false);
  });

  it('array and object edits add, remove, replace, duplicate, rename exactly one thing', () => {
    const a = ['read:x', 'write:y'];
    expect(edit('array', 'add').apply(a, 'x')).toHaveLength(3);
    expect(edit('array', 'remove').apply(a, 'x')).toEqual(['read:x']);
    const rep = edit('array', 'replace').apply(a, 'x') as string[];
    expect(rep[1]).toBe('write:y');
    expect(rep[0]).not.toBe('read:x');
    expect(edit('array', 'duplicate').apply(a, 'x')).toEqual(['read:x', 'write:y', 'read:x']);
    expect(edit('array', 'remove').apply([], 'x')).toBeUndefined();
    const o = { alpha: { t: 'b', v: true }, beta: { t: 's', v: 'x' } };
    expect(Object.keys(edit('object', 'add-key').apply(o, 'x') as object)).toHaveLength(3);
    expect(Object.keys(edit('object', 'remove-key').apply(o, 'x') as object)).toEqual(['beta']);
    const renamed = edit('object', 'rename-key').apply(o, 'x') as JsonObject;
    expect(Object.keys(renamed)).toHaveLength(2);
    expect(Object.keys(renamed)[0]).not.toBe('alpha');
    expect(Object.values(renamed)[0]).toEqual({ t: 'b', v: true });
  });

  it('type changes produce the named JSON kind, and every edit is deterministic', () => {
    for (const v of ['a b', 7, true, ['x'], { k: 1 }] as JsonValue[]) {
      for (const k of JSON_KINDS) {
        const c = convert(v, k);
        if (kindOf(v) === k) expect(c).toBeUndefined();
        else expect(kindOf(c!)).toBe(k);
      }
      for (const e of nearMisses(kindOf(v))) expect(JSON.stringify(e.apply(v, 'seed'))).toBe(JSON.stringify(e.apply(v, 'seed')));
    }
  });
});

// ---------------------------------------------------------------------------
// Every generated operator through MutantAdapter
// ---------------------------------------------------------------------------

function atHash(t: string): string {
  const d = createHash('sha256').update(t, 'ascii').digest();
  return d.subarray(0, 16).toString('base64url');
}

/** Payloads with every catalog claim of the type (full) or only the required ones. */
function payloadOf(type: TokenType, full: boolean): JsonObject {
  const base: JsonObject = { iat: 1_700_000_000, aud: ['api'], scp: ['openid'] };
  const out: JsonObject = {};
  for (const c of claimCatalog.tokens[type]) if (full || c.status === 'required') out[c.name] = plausibleValue(type, c.name, base, `fixture-${c.name}`);
  out.exp = 1_700_086_400;
  if (type === 'm2m') out.gty = ['client_credentials'];
  return out;
}

class FixedTarget implements Adapter {
  readonly name = 'fixed';
  answers: { user: TokenResult; m2m: TokenResult } | undefined;
  constructor(readonly full: boolean) {}
  async start() {
    const key = await sharedKey(0);
    const sign = (p: JsonObject) => new SignJWT(p).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
    const access = await sign(payloadOf('access', this.full));
    const id = await sign({ ...payloadOf('id', this.full), at_hash: atHash(access) });
    this.answers = {
      user: { ok: true, status: 200, body: { access_token: access, id_token: id, refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 86_400, scope: 'openid offline' } },
      m2m: { ok: true, status: 200, body: { access_token: await sign(payloadOf('m2m', this.full)), token_type: 'Bearer', expires_in: 86_400, scope: '' } },
    };
    return { name: 'fixed', version: '0', capabilities: { userTokens: true, refresh: true, m2m: true, orgScopedM2m: false, workflows: false, properties: false, featureFlags: false, clock: false, keyRotation: false } };
  }
  async provision() {}
  async deployWorkflow() {
    return { id: 'x', trigger: 'x' };
  }
  async removeWorkflow() {}
  async signIn() {
    return structuredClone(this.answers!.user);
  }
  async refresh() {
    return structuredClone(this.answers!.user);
  }
  async clientCredentials() {
    return structuredClone(this.answers!.m2m);
  }
  async jwks(): Promise<Jwks> {
    return { keys: [(await sharedKey(0)).publicJwk] };
  }
  async stop() {}
}

interface Observed {
  user: TokenResult;
  refreshed: TokenResult;
  m2m: TokenResult;
  jwks: Jwks;
  applied: number;
}

async function observe(op: Operator, full: boolean, keys: CampaignKeys): Promise<Observed> {
  const a = new MutantAdapter(new FixedTarget(full), op, keys);
  await a.start();
  const user = await a.signIn({ clientId: 'c', userId: 'u', scopes: ['openid', 'offline'], audience: ['api'] });
  const refreshed = await a.refresh({ clientId: 'c', refreshToken: 'rt-1' });
  const m2m = await a.clientCredentials({ clientId: 'm', clientSecret: 's', audience: ['api'] });
  return { user, refreshed, m2m, jwks: await a.jwks(), applied: a.applied };
}

const body = (r: TokenResult) => (r.ok ? r.body : undefined);
const decoded = (raw: unknown) => (typeof raw === 'string' ? { header: decodeProtectedHeader(raw) as JsonObject, payload: decodeJwt(raw) as JsonObject } : undefined);

function tokensOf(o: Observed): Partial<Record<TokenType, { header: JsonObject; payload: JsonObject }>> {
  return { access: decoded(body(o.user)?.access_token), id: decoded(body(o.user)?.id_token), m2m: decoded(body(o.m2m)?.access_token) };
}

/** Top-level payload claims whose values differ. */
function changedClaims(a: JsonObject | undefined, b: JsonObject | undefined): string[] {
  const names = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...names].filter((n) => JSON.stringify(a?.[n]) !== JSON.stringify(b?.[n])).sort();
}

describe('every generated operator, applied to a fixed target', () => {
  let keys: CampaignKeys;
  const baseline: Record<'full' | 'required', Observed> = {} as never;
  beforeAll(async () => {
    keys = await campaignKeys();
    baseline.full = await observe(IDENTITY, true, keys);
    baseline.required = await observe(IDENTITY, false, keys);
  });

  it('the identity re-signs with the substitute key, keeps every claim and keeps at_hash right', async () => {
    expect(baseline.full.applied).toBe(0);
    const set = createLocalJWKSet(baseline.full.jwks as never);
    for (const raw of [body(baseline.full.user)!.access_token, body(baseline.full.user)!.id_token!, body(baseline.full.m2m)!.access_token]) {
      const { protectedHeader } = await jwtVerify(raw, set, { algorithms: ['RS256'], currentDate: new Date(1_700_000_100_000) });
      expect(protectedHeader.kid).toBe(keys.main.kid);
    }
    const t = tokensOf(baseline.full);
    expect(t.id!.payload.at_hash).toBe(atHash(body(baseline.full.user)!.access_token));
    expect(t.access!.payload).toEqual(payloadOf('access', true));
  });

  it('generates operators from the catalogs: each claim of each type is dropped, retyped and edited; ids are unique', () => {
    const ids = new Set(allOperators().map((o) => o.id));
    for (const t of TOKEN_TYPES) for (const c of claimCatalog.tokens[t]) expect(ids.has(`${t}.${c.name}:drop`), `${t}.${c.name}`).toBe(true);
    expect(ids.has('access.sub:edit:insert@middle')).toBe(true);
    expect(ids.has('m2m.exp:edit:-86400')).toBe(true);
    expect(ids.has('m2m+given_name:add')).toBe(true);
    expect(ids.has('response.token_type:edit:lower@refresh')).toBe(true);
    expect(ids.size).toBe(allOperators().length);
  });

  /** An operator either applies and changes what it names, or finds nothing to change and changes nothing. */
  function unchanged(got: Observed, base: Observed, op: Operator): void {
    expect(JSON.stringify([body(got.user), body(got.refreshed), body(got.m2m), got.jwks]), `${op.id} changed something without applying`).toBe(
      JSON.stringify([body(base.user), body(base.refreshed), body(base.m2m), base.jwks]),
    );
  }

  it('a claim operator changes exactly its claim of its token type, in every answer it targets, the same way twice', async () => {
    const claimOps = allOperators().filter((o) => ['drop', 'type', 'near-miss', 'foreign-claim'].includes(o.family));
    let applied = 0;
    for (const op of claimOps) {
      const full = op.family !== 'foreign-claim';
      const base = baseline[full ? 'full' : 'required'];
      const got = await observe(op, full, keys);
      if (got.applied === 0) {
        unchanged(got, base, op);
        continue;
      }
      applied += 1;
      const type = op.tokenTypes![0]!;
      const claim = op.target.split(/[.+]/)[1]!;
      const before = tokensOf(base)[type]!.payload;
      const after = tokensOf(got)[type]!.payload;
      expect(changedClaims(before, after), op.id).toEqual(op.grants ? [] : [claim]);
      if (op.grants) {
        const r = type === 'id' ? decoded(body(got.refreshed)!.id_token) : decoded(body(got.refreshed)!.access_token);
        expect(changedClaims(before, r!.payload), op.id).toEqual([claim]);
      }
      if (op.family === 'drop' && !op.grants) expect(Object.hasOwn(after, claim), op.id).toBe(false);
      if (op.family === 'type') expect(kindOf(after[claim]!), op.id).toBe(op.id.split(':').at(-1));
      for (const other of TOKEN_TYPES.filter((t) => t !== type)) {
        // The ID token's at_hash follows a changed access token.
        const allowed = other === 'id' && type === 'access' && !op.grants ? ['at_hash'] : [];
        expect(changedClaims(tokensOf(base)[other]!.payload, tokensOf(got)[other]!.payload), `${op.id} leaves ${other}`).toEqual(allowed);
      }
      const again = await observe(op, full, keys);
      expect(JSON.stringify(tokensOf(again)), `${op.id} is deterministic`).toBe(JSON.stringify(tokensOf(got)));
    }
    // Only edits that are no-ops on a fixture value (lower-casing a lower-case string, …) find nothing.
    expect(applied / claimOps.length).toBeGreaterThan(0.9);
  });

  it('time, header, signature, JWKS and response operators change what they name', async () => {
    const verifies = async (raw: string, jwks: Jwks) =>
      jwtVerify(raw, createLocalJWKSet(jwks as never), { algorithms: ['RS256'], currentDate: new Date(1_700_000_100_000) }).then(
        () => true,
        () => false,
      );
    const ops = allOperators().filter((o) => ['time', 'header', 'signature', 'jwks', 'response'].includes(o.family));
    let applied = 0;
    for (const op of ops) {
      // Without optional claims, so that a nbf can be added.
      const base = baseline[op.family === 'time' ? 'required' : 'full'];
      const got = await observe(op, op.family !== 'time', keys);
      if (got.applied === 0) {
        unchanged(got, base, op);
        continue;
      }
      applied += 1;
      const type = op.tokenTypes?.[0];
      if (op.family === 'time') {
        const changed = changedClaims(tokensOf(base)[type!]!.payload, tokensOf(got)[type!]!.payload);
        expect(changed.length, op.id).toBeGreaterThan(0);
        expect(changed.every((c) => ['iat', 'exp', 'nbf', 'auth_time'].includes(c)), `${op.id}: ${changed}`).toBe(true);
      } else if (op.family === 'header') {
        const t = tokensOf(got)[type!]!;
        expect(t.payload, op.id).toEqual(tokensOf(base)[type!]!.payload);
        expect(t.header, op.id).not.toEqual(tokensOf(base)[type!]!.header);
      } else if (op.family === 'signature') {
        const raw = type === 'm2m' ? body(got.m2m)!.access_token : type === 'id' ? body(got.user)!.id_token! : body(got.user)!.access_token;
        if (op.signing?.kind === 'weak-key') {
          expect(decodeProtectedHeader(raw).kid, op.id).toBe(keys.weak.kid);
          expect(got.jwks.keys.map((k) => k.kid), op.id).toContain(keys.weak.kid);
        } else {
          expect(await verifies(raw, got.jwks), op.id).toBe(false);
        }
      } else if (op.family === 'jwks') {
        expect(got.jwks, op.id).not.toEqual(base.jwks);
      } else {
        const field = op.target.split('.')[1]!;
        const which = op.grants ? 'refreshed' : 'user';
        const before = body(base[which])!;
        const after = body(got[which])!;
        const differs = Object.keys({ ...before, ...after }).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
        expect(differs, op.id).toEqual([field]);
        if (op.grants) expect(body(got.user), `${op.id} leaves sign-in answers`).toEqual(body(base.user));
      }
    }
    expect(applied / ops.length).toBeGreaterThan(0.9);
  });

  it('consistency and refresh-state operators change the answers they target', async () => {
    const shared = await observe(selectOperators('consistency:jti-shared')[0]!, true, keys);
    expect(tokensOf(shared).id!.payload.jti).toBe(tokensOf(shared).access!.payload.jti);
    const stale = await observe(selectOperators('consistency:at-hash-stale')[0]!, true, keys);
    expect(tokensOf(stale).id!.payload.at_hash).not.toBe(atHash(body(stale.user)!.access_token));
    const swapped = await observe(selectOperators('consistency:swap-access-id')[0]!, true, keys);
    expect(body(swapped.user)!.access_token).toBe(body(baseline.full.user)!.id_token);
    const notRotated = await observe(selectOperators('refresh:not-rotated')[0]!, true, keys);
    expect(body(notRotated.refreshed)!.refresh_token).toBe('rt-1');
  });

  it('samples are seeded and spread over the families', () => {
    const a = sampleOperators(allOperators(), 20, 7).map((o) => o.id);
    expect(sampleOperators(allOperators(), 20, 7).map((o) => o.id)).toEqual(a);
    expect(sampleOperators(allOperators(), 20, 8).map((o) => o.id)).not.toEqual(a);
    const families = new Set(allOperators().map((o) => o.family));
    expect(new Set(sampleOperators(allOperators(), families.size, 7).map((o) => o.family)).size).toBe(families.size);
    expect(() => selectOperators('no.such:op')).toThrow(/matches no operator/);
  });
});
