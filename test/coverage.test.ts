/**
 * Coverage must be provable: every requirement of the catalog is decided by
 * some check, no check names an unknown requirement, every seeded defect
 * names a real requirement, and the generators reach each interesting case
 * at the default number of runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFECTS } from '../reference/defects.js';
import { requirementById, requirements } from '../schemas/catalog.js';
import { claimNameCategory, PROHIBITED_CLAIMS } from '../generators/claims.js';
import { m2mScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { REAL_WORKFLOW_OPS, workflowProgramArb } from '../generators/workflow.js';
import { ALL_CHECKS, VERIFIER_CHECKS } from '../suites/index.js';
import { DEFAULT_RUNS } from '../runner/options.js';
import type { TokenType } from '../adapters/types.js';

const checks = [...ALL_CHECKS, ...VERIFIER_CHECKS];

describe('requirement coverage', () => {
  it('every catalog requirement is decided by at least one check', () => {
    const referenced = new Set(checks.flatMap((c) => c.requirements));
    const unchecked = requirements.map((r) => r.id).filter((id) => !referenced.has(id));
    expect(unchecked).toEqual([]);
  });

  it('no check names an unknown requirement', () => {
    const known = new Set(requirements.map((r) => r.id));
    const unknown = checks.flatMap((c) => c.requirements.filter((id) => !known.has(id)).map((id) => `${c.name}: ${id}`));
    expect(unknown).toEqual([]);
  });

  it('check names are unique (they derive the per-check seed)', () => {
    const names = checks.map((c) => c.name);
    expect(names.length).toBe(new Set(names).size);
  });

  it('each seeded defect names a requirement of the catalog, and there are at least 20', () => {
    const entries = Object.entries(DEFECTS);
    expect(entries.length).toBeGreaterThanOrEqual(20);
    for (const [name, d] of entries) expect(() => requirementById(d.caughtBy), name).not.toThrow();
  });

  it('every documented area has at least one seeded defect', () => {
    const areas = new Set(Object.values(DEFECTS).map((d) => requirementById(d.caughtBy).area));
    for (const area of ['signature', 'access-token', 'id-token', 'm2m-token', 'org-m2m', 'properties', 'feature-flags', 'refresh', 'workflows']) {
      expect(areas, area).toContain(area);
    }
  });
});

/** Count how often `label(value)` yields each label over `DEFAULT_RUNS` samples, for three seeds. */
function reach<T>(arb: fc.Arbitrary<T>, labels: (v: T) => string[]): Array<Set<string>> {
  return [1, 2, 3].map((seed) => {
    const seen = new Set<string>();
    for (const v of fc.sample(arb, { numRuns: DEFAULT_RUNS, seed })) for (const l of labels(v)) seen.add(l);
    return seen;
  });
}

describe('generators reach every interesting case at the default run count', () => {
  it.each(['access', 'id', 'm2m'] as TokenType[])('each prohibited %s claim is attempted by generated workflows', (type) => {
    const trigger = type === 'm2m' ? 'm2m:token_generation' : 'user:tokens_generation';
    const binding = type === 'access' ? 'kinde.accessToken' : type === 'id' ? 'kinde.idToken' : 'kinde.m2mToken';
    // The core checks deploy 1–3 programs per run.
    const arb = fc.array(workflowProgramArb({ ...REAL_WORKFLOW_OPS, trigger }), { minLength: 1, maxLength: 3 });
    for (const seen of reach(arb, (ps) => ps.flatMap((p) => p.ops.flatMap((o) => ('binding' in o && o.binding === binding ? [o.name] : []))))) {
      for (const claim of PROHIBITED_CLAIMS[type]) expect(seen, `${type} ${claim}`).toContain(claim);
      for (const cat of ['custom', 'documented', 'hostile'] as const) {
        expect([...seen].some((n) => claimNameCategory(type, n) === cat), `${type} ${cat}`).toBe(true);
      }
    }
  });

  it.each(['user:tokens_generation', 'm2m:token_generation'] as const)('%s: the core checks generate every await style, condition and delete', (trigger) => {
    const arb = fc.array(workflowProgramArb({ ...REAL_WORKFLOW_OPS, trigger }), { minLength: 1, maxLength: 3 });
    const conditions = trigger === 'm2m:token_generation' ? ['audience'] : ['org', 'origin', 'audience'];
    for (const seen of reach(arb, (ps) =>
      ps.flatMap((p) => p.ops.flatMap((o) => [o.kind === 'await' ? `await:${o.style}` : o.kind, ...('when' in o && o.when ? [`when:${o.when.kind}`] : [])])),
    )) {
      for (const label of ['await:resolved', 'await:helper', 'await:chain', 'deleteClaim', ...conditions.map((c) => `when:${c}`)]) expect(seen, label).toContain(label);
    }
  });

  it('each flag type, each app kind, org-scoped and global M2M apps, private and public properties', () => {
    const arb = fc.record({ u: userScenarioArb(), m: m2mScenarioArb() });
    for (const seen of reach(arb, ({ u, m }) => [
      ...u.tenant.featureFlags.map((f) => `flag:${f.type}`),
      `user-app:${u.application.kind}`,
      `m2m-app:${m.application.orgCode ? 'org-scoped' : 'global'}`,
      ...u.tenant.properties.map((p) => `property:${p.public ? 'public' : 'private'}:${p.context}`),
      ...(u.request.orgCode ? ['sign-in:org'] : ['sign-in:no-org']),
      ...u.request.scopes.map((s) => `scope:${s}`),
      ...(m.request.orgCode ? ['m2m:org-override'] : []),
      ...(u.application.lifetimes.accessToken !== 86_400 ? ['lifetime:custom'] : ['lifetime:default']),
    ])) {
      for (const label of [
        'flag:b', 'flag:s', 'flag:i',
        'user-app:frontend', 'user-app:backend',
        'm2m-app:org-scoped', 'm2m-app:global',
        'property:public:user', 'property:private:user', 'property:public:organization', 'property:public:application',
        'sign-in:org', 'scope:profile', 'scope:email', 'scope:offline', 'scope:offline_access',
        'm2m:org-override', 'lifetime:custom', 'lifetime:default',
      ]) {
        expect(seen, label).toContain(label);
      }
    }
  });
});
