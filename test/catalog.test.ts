/**
 * The claim and requirement catalogs: valid against their schemas, every
 * quote verbatim from the fact sheet, ids exactly the set the suites use,
 * contradictions carried by every warning, and the prohibited-claim sets equal
 * to the docs' lists (parsed from the fact sheet, not only restated here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Capabilities, Capability, TokenType } from '../adapters/types.js';
import type { Area } from '../reports/results.js';
import {
  CatalogError,
  REQUIREMENT_IDS,
  claimCatalog,
  claimEntry,
  createAjv,
  isApplicable,
  prohibitedClaims,
  requirementById,
  requirements,
} from '../schemas/catalog.js';
import type { Requirement } from '../schemas/catalog.js';

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
}

/** The fact sheet; CI always has it, so a missing file must fail the test (readFileSync throws), never skip. */
function facts(): string {
  return readFileSync(new URL('../../shared/spec/kinde-token-facts.md', import.meta.url), 'utf8');
}
const normalize = (s: string) => s.replace(/\s+/g, ' ').trim();

const AREAS = {
  signature: true,
  'access-token': true,
  'id-token': true,
  'm2m-token': true,
  'org-m2m': true,
  properties: true,
  'feature-flags': true,
  refresh: true,
  workflows: true,
  'token-response': true,
} satisfies Record<Area, true>;

const CAPABILITIES = {
  userTokens: true,
  refresh: true,
  m2m: true,
  orgScopedM2m: true,
  workflows: true,
  properties: true,
  featureFlags: true,
  clock: true,
  keyRotation: true,
  workflowFixtures: true,
  httpSurface: true,
  revocation: true,
  codeExchange: true,
} satisfies Record<Capability, true>;

const DOC_URL = /^https:\/\/docs\.kinde\.com\/[a-z0-9-]+(\/[a-z0-9-]+)*\/$/;

describe('catalogs validate against their schemas', () => {
  const cases = [
    ['claim catalog', '../schemas/claim-catalog.schema.json', '../schemas/claim-catalog.json'],
    ['requirement catalog', '../schemas/requirements.schema.json', '../schemas/requirements.json'],
  ] as const;
  for (const [label, schemaPath, dataPath] of cases) {
    it(`${label} is valid (strict Ajv)`, () => {
      const validate = createAjv().compile(readJson(schemaPath) as object);
      expect(validate(readJson(dataPath)), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  it('the requirement schema can fail: warning without contradiction, inferred without note, unknown area', () => {
    const validate = createAjv().compile(readJson('../schemas/requirements.schema.json') as object);
    const base = structuredClone(requirementById('ACCESS-ROLES')) as Record<string, unknown>;
    expect(validate([base])).toBe(true);
    expect(validate([{ ...base, contradiction: undefined }].map((r) => JSON.parse(JSON.stringify(r))))).toBe(false);
    expect(validate([{ ...base, level: 'inferred' }])).toBe(false);
    expect(validate([{ ...base, area: 'tokens' }])).toBe(false);
    expect(validate([{ ...base, source: { url: 'https://example.com/x/', quote: 'q' } }])).toBe(false);
  });

  it('the claim catalog schema can fail: conditional without condition, condition on a required claim', () => {
    const validate = createAjv().compile(readJson('../schemas/claim-catalog.schema.json') as object);
    const data = structuredClone(claimCatalog) as unknown as { tokens: { access: Record<string, unknown>[] } };
    expect(validate(data)).toBe(true);
    const orgCode = data.tokens.access.find((c) => c['name'] === 'org_code')!;
    delete orgCode['condition'];
    expect(validate(data)).toBe(false);
    const aud = structuredClone(claimCatalog) as unknown as { tokens: { access: Record<string, unknown>[] } };
    aud.tokens.access[0]!['condition'] = 'always';
    expect(validate(aud)).toBe(false);
  });

  it('schema enums match the shared Area and Capability types exactly', () => {
    const req = (readJson('../schemas/requirements.schema.json') as { $defs: { requirement: { properties: Record<string, { enum?: string[]; items?: { enum: string[] } }> } } }).$defs.requirement.properties;
    expect([...req['area']!.enum!].sort()).toEqual(Object.keys(AREAS).sort());
    expect([...req['capabilities']!.items!.enum].sort()).toEqual(Object.keys(CAPABILITIES).sort());
  });
});

describe('requirement catalog', () => {
  it('has exactly the agreed ids, each once', () => {
    const ids = requirements.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...REQUIREMENT_IDS]);
    expect(ids).toHaveLength(REQUIREMENT_IDS.length);
  });

  it('every source is a docs.kinde.com page and every quote is verbatim in the fact sheet', () => {
    const sheet = normalize(facts());
    for (const r of requirements) {
      expect(r.source.url, r.id).toMatch(DOC_URL);
      expect(r.source.quote.trim().length, r.id).toBeGreaterThan(0);
      expect(sheet.includes(normalize(r.source.quote)), `${r.id}: ${r.source.quote}`).toBe(true);
      for (const reading of r.contradiction?.readings ?? []) {
        expect(reading.url, r.id).toMatch(DOC_URL);
        expect(sheet.includes(normalize(reading.quote)), `${r.id} reading: ${reading.quote}`).toBe(true);
      }
    }
  });

  it('every warning carries a contradiction with two readings citing a numbered fact-sheet contradiction, or an RFC recommendation where the docs are silent', () => {
    const sheet = facts();
    const warnings = requirements.filter((r) => r.severity === 'warning');
    expect(warnings.map((r) => r.id).sort()).toEqual(['ACCESS-ROLES', 'CODE-REUSE-REVOKES', 'M2M-GTY', 'M2M-NO-REFRESH-TOKEN', 'RT-OLD-REFUSED', 'VERIFY-BEARER-CASE', 'VERIFY-ORG-MISMATCH-403']);
    for (const r of warnings.filter((x) => !x.contradiction)) {
      expect(r.level, r.id).toBe('inferred');
      expect(r.recommendation?.quote, r.id).toMatch(/\b(SHOULD|RECOMMENDED)\b/);
    }
    for (const r of requirements.filter((x) => x.contradiction)) {
      expect(r.contradiction!.readings, r.id).toHaveLength(2);
      const [a, b] = r.contradiction!.readings;
      expect(a!.quote, r.id).not.toBe(b!.quote);
      const n = /contradiction (\d+)/.exec(r.contradiction!.note)?.[1];
      expect(n, r.id).toBeDefined();
      expect(sheet, r.id).toMatch(new RegExp(`^${n}\\. `, 'm'));
    }
  });

  it('inferred requirements say what they are inferred from', () => {
    for (const r of requirements.filter((x) => x.level === 'inferred')) expect(r.note?.length ?? 0, r.id).toBeGreaterThan(20);
  });

  it('per-token areas inspect exactly their token type', () => {
    const expected: Partial<Record<Area, TokenType[]>> = { 'access-token': ['access'], 'id-token': ['id'], 'm2m-token': ['m2m'], 'org-m2m': ['m2m'] };
    for (const r of requirements) {
      const want = expected[r.area];
      if (want) expect(r.tokenTypes, r.id).toEqual(want);
      if (r.area === 'token-response') expect(r.tokenTypes, r.id).toEqual([]);
    }
  });

  it('requirementById finds every id and refuses unknown ones with a code', () => {
    for (const id of REQUIREMENT_IDS) expect(requirementById(id).id).toBe(id);
    expect(() => requirementById('SIG-HS256')).toThrow(CatalogError);
    try {
      requirementById('constructor');
      expect.unreachable();
    } catch (e) {
      expect((e as CatalogError).code).toBe('ERR_UNKNOWN_REQUIREMENT');
    }
  });

  it('the catalog is frozen so suites cannot change it for each other', () => {
    const r = requirementById('SIG-RS256') as { statement: string };
    expect(() => {
      r.statement = 'changed';
    }).toThrow(TypeError);
    expect(Object.isFrozen(requirements)).toBe(true);
    expect(Object.isFrozen(claimCatalog.tokens.access[0])).toBe(true);
  });

  it('isApplicable needs every listed capability and an issuable token type', () => {
    const none: Capabilities = { userTokens: false, refresh: false, m2m: false, orgScopedM2m: false, workflows: false, properties: false, featureFlags: false, clock: false, keyRotation: false };
    const m2mOnly = { ...none, m2m: true };
    const get = (id: string): Requirement => requirementById(id);
    expect(isApplicable(get('M2M-VERSION'), m2mOnly)).toBe(true);
    expect(isApplicable(get('CLAIMS-REQUIRED-ACCESS'), m2mOnly)).toBe(false);
    expect(isApplicable(get('SIG-RS256'), m2mOnly)).toBe(true);
    expect(isApplicable(get('SIG-RS256'), none)).toBe(false);
    expect(isApplicable(get('ORG-M2M-ORG-CODE'), m2mOnly)).toBe(false);
    expect(isApplicable(get('ORG-M2M-ORG-CODE'), { ...m2mOnly, orgScopedM2m: true })).toBe(true);
    expect(isApplicable(get('RT-LIFETIME'), { ...none, userTokens: true, refresh: true })).toBe(false);
    expect(isApplicable(get('RT-LIFETIME'), { ...none, userTokens: true, refresh: true, clock: true })).toBe(true);
    expect(isApplicable(get('RESP-SHAPE'), none)).toBe(true);
  });
});

describe('claim catalog', () => {
  /** The docs' prohibited lists, parsed from the fact sheet's §5 bullets. */
  function prohibitedFromFacts(): Record<'Common' | 'Access token' | 'ID token' | 'M2M token', string[]> {
    const sheet = facts();
    const at = sheet.indexOf('("You can\'t modify the following token claims:")');
    expect(at).toBeGreaterThan(0);
    const out: Record<string, string[]> = {};
    for (const m of sheet.slice(at, at + 600).matchAll(/^\s*- (Common|Access token|ID token|M2M token): (.+)$/gm)) {
      out[m[1]!] = [...m[2]!.matchAll(/`([a-z_]+)`/g)].map((x) => x[1]!);
    }
    return out as Record<'Common' | 'Access token' | 'ID token' | 'M2M token', string[]>;
  }

  it('prohibited sets equal the docs\' lists exactly', () => {
    const doc = prohibitedFromFacts();
    expect(doc.Common).toEqual(['azp', 'exp', 'iat', 'iss', 'nbf', 'sid', 'sub', 'act', 'aud']);
    const expected: Record<TokenType, string[]> = {
      access: [...doc.Common, ...doc['Access token']],
      id: [...doc.Common, ...doc['ID token']],
      m2m: [...doc.Common, ...doc['M2M token']],
    };
    expect(expected.access).toEqual([...doc.Common, 'jti', 'scp']);
    expect(expected.id).toEqual([...doc.Common, 'auth_time', 'jti', 'updated_at', 'rat']);
    expect(expected.m2m).toEqual([...doc.Common, 'gty', 'jti', 'scp']);
    for (const t of ['access', 'id', 'm2m'] as const) {
      expect([...prohibitedClaims(t)].sort(), t).toEqual([...new Set(expected[t])].sort());
      expect(prohibitedClaims(t), t).toBe(prohibitedClaims(t));
    }
  });

  it('workflowModifiable is false exactly for prohibited claims, and each prohibited claim has an entry', () => {
    for (const t of ['access', 'id', 'm2m'] as const) {
      const prohibited = prohibitedClaims(t);
      for (const name of prohibited) expect(claimEntry(t, name), `${t}.${name}`).toBeDefined();
      for (const c of claimCatalog.tokens[t]) expect(c.workflowModifiable, `${t}.${c.name}`).toBe(!prohibited.has(c.name));
    }
  });

  it('names every claim the docs name, once per token type', () => {
    const named: Record<TokenType, string[]> = {
      access: 'aud azp exp iat iss jti sub scp org_code permissions feature_flags roles email org_name external_organization_id has_trial_period trial_expires_on application_properties user_properties organization_properties'.split(' '),
      id: 'at_hash aud auth_time azp email exp family_name given_name iat iss jti name org_codes picture provided_id sub updated_at user_properties organization_properties application_properties'.split(' '),
      m2m: 'aud azp exp gty iat iss jti scope scp v org_code feature_flags application_properties'.split(' '),
    };
    for (const t of ['access', 'id', 'm2m'] as const) {
      const names = claimCatalog.tokens[t].map((c) => c.name);
      expect(new Set(names).size, t).toBe(names.length);
      for (const n of named[t]) expect(names, t).toContain(n);
    }
  });

  it('required claims match the schemas\' required lists', () => {
    const files: Record<TokenType, string> = { access: 'access-token', id: 'id-token', m2m: 'm2m-token' };
    for (const t of ['access', 'id', 'm2m'] as const) {
      const schema = readJson(`../schemas/${files[t]}.schema.json`) as { required: string[]; properties: Record<string, unknown> };
      const required = claimCatalog.tokens[t].filter((c) => c.status === 'required').map((c) => c.name);
      expect(required.sort(), t).toEqual([...schema.required].sort());
      for (const c of claimCatalog.tokens[t]) expect(Object.keys(schema.properties), `${t} schema lacks ${c.name}`).toContain(c.name);
    }
  });

  it('prohibited-but-undocumented claims are optional; every quote is verbatim and every URL a docs page', () => {
    const sheet = normalize(facts());
    expect(sheet.includes(normalize(claimCatalog.prohibited.quote))).toBe(true);
    for (const t of ['access', 'id', 'm2m'] as const) {
      for (const name of ['nbf', 'sid', 'act']) expect(claimEntry(t, name)?.status, `${t}.${name}`).toBe('optional');
      for (const c of claimCatalog.tokens[t]) {
        expect(c.docUrl, `${t}.${c.name}`).toMatch(DOC_URL);
        expect(sheet.includes(normalize(c.quote)), `${t}.${c.name}: ${c.quote}`).toBe(true);
      }
    }
    expect(claimEntry('id', 'rat')?.status).toBe('optional');
  });
});
