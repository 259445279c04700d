import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { managementApiAudience, TOKEN_TYPES } from '../adapters/types.js';
import type { JsonValue, Tenant, TokenType } from '../adapters/types.js';
import { tenantProblems } from '../generators/check.js';
import {
  claimNameCategory,
  customClaimNameArb,
  DOCUMENTED_CLAIMS,
  jsonClaimValueArb,
  jsonRoundTrip,
  PROHIBITED_CLAIMS,
} from '../generators/claims.js';
import type { ClaimNameCategory } from '../generators/claims.js';
import { m2mScenarioArb, tenantArb, USER_SCOPES, userScenarioArb } from '../generators/tenant.js';
import {
  EVENT_PATHS,
  expectedRun,
  finalClaims,
  renderJsonValue,
  renderWorkflow,
  TOKEN_BINDINGS,
  TRIGGER_BINDINGS,
  workflowProgramArb,
} from '../generators/workflow.js';
import type { EventPath, ExpectedRun, RunContext, TokenBinding, WorkflowProgram } from '../generators/workflow.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const SEED = 20_240_115;

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

/** JSON equality: own keys (so `__proto__` counts), `0 === -0`. */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Only null, booleans, finite numbers, strings without lone surrogates, arrays and plain objects. */
function isJson(v: unknown): boolean {
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return !LONE_SURROGATE.test(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (typeof v === 'object') return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(isJson);
  return false;
}

function depth(v: JsonValue): number {
  if (typeof v !== 'object' || v === null) return 0;
  return 1 + Math.max(0, ...Object.values(v).map(depth));
}

function* walk(v: JsonValue): Generator<JsonValue> {
  yield v;
  if (typeof v === 'object' && v !== null) for (const c of Object.values(v)) yield* walk(c);
}

const bundleOptions: esbuild.BuildOptions = {
  bundle: true,
  write: false,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  format: 'iife',
  globalName: 'workflowModule',
  logLevel: 'silent',
};

async function bundle(source: string): Promise<string> {
  const out = await esbuild.build({ ...bundleOptions, stdin: { contents: source, resolveDir: repoRoot, loader: 'ts' } });
  return out.outputFiles![0]!.text;
}

interface ObservedRun {
  outcome: 'completed' | 'threw' | 'undeclared-binding';
  writes: { binding: TokenBinding; name: string; value: JsonValue }[];
  raw: unknown[];
}

/**
 * Runs a bundled workflow against a minimal fake of Kinde's runtime: the
 * `kinde` global exposes only bindings that are declared and offered, and
 * `setCustomClaim` records what it receives.
 */
async function runBundled(p: WorkflowProgram, ctx: RunContext): Promise<ObservedRun> {
  const code = await bundle(renderWorkflow(p));
  const writes: ObservedRun['writes'] = [];
  const raw: unknown[] = [];
  const kinde: Record<string, unknown> = {};
  for (const b of TOKEN_BINDINGS) {
    if (!p.bindings.includes(b) || !ctx.offered.includes(b)) continue;
    kinde[b.slice('kinde.'.length)] = {
      getCustomClaims: () => ({}),
      setCustomClaim: (name: string, value: unknown) => {
        raw.push(value);
        writes.push({ binding: b, name, value: jsonRoundTrip(value as JsonValue) });
      },
    };
  }
  const event: Record<string, unknown> = {};
  for (const path of EVENT_PATHS) {
    const value = ctx.event[path];
    if (value === undefined) continue;
    const keys = path.split('.');
    let node = event;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  const mod = new Function('kinde', `${code}\nreturn workflowModule;`)(kinde) as { default: (e: unknown) => Promise<void> };
  try {
    await mod.default(event);
    return { outcome: 'completed', writes, raw };
  } catch (e) {
    const undeclared = e instanceof TypeError || /binding not available/.test(String((e as Error).message));
    return { outcome: undeclared ? 'undeclared-binding' : 'threw', writes, raw };
  }
}

const eventArb: fc.Arbitrary<Record<EventPath, JsonValue | undefined>> = fc.record(
  Object.fromEntries(
    EVENT_PATHS.map((p) => [p, fc.option(jsonClaimValueArb({ maxDepth: 1, maxStringLength: 16 }), { nil: undefined })]),
  ) as Record<EventPath, fc.Arbitrary<JsonValue | undefined>>,
);

// ---------------------------------------------------------------------------
// tenants and scenarios
// ---------------------------------------------------------------------------

describe('tenantArb', () => {
  it('generates consistent tenants', () => {
    fc.assert(
      fc.property(tenantArb(), (t) => {
        expect(tenantProblems(t)).toEqual([]);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('tenantProblems notices broken tenants', () => {
    const [t] = fc.sample(tenantArb({ maxExtraApplications: 0 }), { seed: SEED, numRuns: 1 }) as [Tenant];
    expect(tenantProblems(t)).toEqual([]);
    const breakages: [string, (t: Tenant) => void][] = [
      ['duplicate user', (x) => x.users.push({ ...x.users[0]! })],
      ['unknown org', (x) => x.users[0]!.memberships.push({ orgCode: 'org_ffffffffff0', roles: [], permissions: [] })],
      ['flag type', (x) => x.featureFlags.push({ key: 'zz-flag', type: 'i', value: 1.5 })],
      ['frontend m2m', (x) => (x.applications.find((a) => a.kind === 'frontend')!.tokens.m2m = { properties: [] })],
      ['no m2m app', (x) => (x.applications = x.applications.filter((a) => a.kind !== 'm2m'))],
      ['refresh <= access', (x) => (x.applications[0]!.lifetimes = { accessToken: 600, idToken: 600, refreshToken: 600 })],
      ['private property toggled', (x) => {
        x.properties.push({ key: 'kp_usr_secret', context: 'user', public: false });
        x.applications[0]!.tokens.access = { properties: ['kp_usr_secret'] };
      }],
    ];
    for (const [what, breakIt] of breakages) {
      const copy = structuredClone(t);
      breakIt(copy);
      expect(tenantProblems(copy), what).not.toEqual([]);
    }
  });

  it('covers every app kind, org-scoped M2M, custom lifetimes, flags and properties', () => {
    const tenants = fc.sample(tenantArb(), { seed: SEED, numRuns: 200 });
    const seen = (pred: (t: Tenant) => boolean) => tenants.filter(pred).length;
    for (const t of tenants) for (const kind of ['frontend', 'backend', 'm2m']) expect(t.applications.some((a) => a.kind === kind)).toBe(true);
    expect(seen((t) => t.applications.some((a) => a.orgCode !== undefined))).toBeGreaterThan(20);
    expect(seen((t) => t.applications.some((a) => a.kind === 'm2m' && a.orgCode === undefined))).toBeGreaterThan(20);
    expect(seen((t) => t.applications.some((a) => a.lifetimes.accessToken !== 86_400))).toBeGreaterThan(20);
    expect(seen((t) => t.applications.every((a) => a.lifetimes.accessToken === 86_400 && a.lifetimes.idToken === 3_600))).toBeGreaterThan(5);
    for (const type of ['b', 's', 'i']) expect(seen((t) => t.featureFlags.some((f) => f.type === type))).toBeGreaterThan(20);
    expect(seen((t) => t.users.some((u) => u.memberships.some((m) => m.featureFlags !== undefined)))).toBeGreaterThan(20);
    expect(seen((t) => t.properties.some((p) => p.public) && t.properties.some((p) => !p.public))).toBeGreaterThan(20);
    expect(seen((t) => t.applications.some((a) => (a.tokens.m2m?.featureFlags?.length ?? 0) > 0))).toBeGreaterThan(10);
    expect(seen((t) => t.applications.some((a) => a.apis.includes(managementApiAudience(t))))).toBeGreaterThan(20);
  });
});

describe('userScenarioArb', () => {
  it('references existing entities', () => {
    fc.assert(
      fc.property(userScenarioArb(), ({ tenant, request, application, user }) => {
        const app = tenant.applications.find((a) => a.clientId === request.clientId);
        expect(app).toBe(application);
        expect(app?.kind).not.toBe('m2m');
        const u = tenant.users.find((x) => x.id === request.userId);
        expect(u).toBe(user);
        if (user.memberships.length === 0) expect(request.orgCode).toBeUndefined();
        else expect(user.memberships.map((m) => m.orgCode)).toContain(request.orgCode);
        for (const aud of request.audience) expect(application.apis).toContain(aud);
        const apiScopes = tenant.apis.filter((a) => request.audience.includes(a.audience)).flatMap((a) => a.scopes);
        for (const s of request.scopes) expect(['openid', ...USER_SCOPES, ...apiScopes]).toContain(s);
        expect(new Set(request.scopes).size).toBe(request.scopes.length);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('asks for openid almost always, and varies the rest', () => {
    const requests = fc.sample(userScenarioArb(), { seed: SEED, numRuns: 300 }).map((s) => s.request);
    const withOpenid = requests.filter((r) => r.scopes.includes('openid')).length;
    expect(withOpenid).toBeGreaterThan(250);
    expect(withOpenid).toBeLessThan(300);
    for (const s of USER_SCOPES) expect(requests.some((r) => r.scopes.includes(s))).toBe(true);
    expect(requests.some((r) => r.audience.length > 0)).toBe(true);
    expect(requests.some((r) => r.orgCode !== undefined)).toBe(true);
  });
});

describe('m2mScenarioArb', () => {
  it('references an M2M app with its own secret and APIs', () => {
    fc.assert(
      fc.property(m2mScenarioArb(), ({ tenant, request, application }) => {
        const app = tenant.applications.find((a) => a.clientId === request.clientId);
        expect(app).toBe(application);
        expect(application.kind).toBe('m2m');
        expect(request.clientSecret).toBe(application.clientSecret);
        expect(request.audience.length).toBeGreaterThan(0);
        for (const aud of request.audience) expect(application.apis).toContain(aud);
        expect(request.audience).not.toContain(managementApiAudience(tenant));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('includes the Management API and org overrides sometimes', () => {
    const scenarios = fc.sample(m2mScenarioArb({ includeManagementApi: true }), { seed: SEED, numRuns: 300 });
    const mgmt = scenarios.filter((s) => s.request.audience.includes(managementApiAudience(s.tenant))).length;
    expect(mgmt).toBeGreaterThan(10);
    expect(mgmt).toBeLessThan(300);
    const overrides = scenarios.filter((s) => s.request.orgCode !== undefined);
    expect(overrides.length).toBeGreaterThan(30);
    expect(overrides.some((s) => s.tenant.organizations.some((o) => o.code === s.request.orgCode))).toBe(true);
    expect(overrides.some((s) => !s.tenant.organizations.some((o) => o.code === s.request.orgCode))).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// claims
// ---------------------------------------------------------------------------

describe('jsonClaimValueArb', () => {
  it('produces JSON values that survive a JSON round trip', () => {
    fc.assert(
      fc.property(jsonClaimValueArb(), (v) => {
        expect(isJson(v)).toBe(true);
        expect(sameJson(jsonRoundTrip(v), v)).toBe(true);
        expect(sameJson(JSON.parse(JSON.stringify(v)), v)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('hits the hostile corners', () => {
    const values = fc.sample(jsonClaimValueArb(), { seed: SEED, numRuns: 1_000 });
    const nodes = values.flatMap((v) => [...walk(v)]);
    const strings = nodes.filter((n): n is string => typeof n === 'string');
    expect(nodes.some((n) => Object.is(n, -0))).toBe(true);
    expect(nodes.some((n) => n === Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(nodes.some((n) => typeof n === 'object' && n !== null && !Array.isArray(n) && Object.hasOwn(n, '__proto__'))).toBe(true);
    expect(strings.some((s) => s.includes('\u0000'))).toBe(true);
    expect(strings.some((s) => /[\u{10000}-\u{10FFFF}]/u.test(s))).toBe(true);
    expect(strings.some((s) => /\p{M}/u.test(s))).toBe(true);
    expect(strings.some((s) => s.length > 1024)).toBe(true);
    expect(values.some((v) => depth(v) >= 3)).toBe(true);
    expect(values.every((v) => depth(v) <= 4)).toBe(true);
    expect(strings.every((s) => s.length <= 4096)).toBe(true);
  });

  it('jsonRoundTrip normalises -0 and keeps __proto__ as an own key', () => {
    expect(Object.is(jsonRoundTrip(-0), 0)).toBe(true);
    const v = jsonRoundTrip(JSON.parse('{"__proto__":{"polluted":true}}') as JsonValue) as Record<string, unknown>;
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('customClaimNameArb', () => {
  it.each(TOKEN_TYPES)('hits every category for %s tokens within 200 samples', (type) => {
    const counts: Record<ClaimNameCategory, number> = { custom: 0, documented: 0, prohibited: 0, hostile: 0 };
    for (const name of fc.sample(customClaimNameArb(type), { seed: SEED, numRuns: 200 })) counts[claimNameCategory(type, name)]++;
    for (const c of Object.keys(counts) as ClaimNameCategory[]) expect(counts[c], c).toBeGreaterThanOrEqual(5);
  });

  it('categorises per token type', () => {
    const cases: [TokenType, string, ClaimNameCategory][] = [
      ['access', 'scp', 'prohibited'],
      ['id', 'scp', 'custom'],
      ['m2m', 'gty', 'prohibited'],
      ['access', 'gty', 'custom'],
      ['id', 'updated_at', 'prohibited'],
      ['access', 'updated_at', 'custom'],
      ['id', 'name', 'documented'],
      ['access', 'permissions', 'documented'],
      ['m2m', 'permissions', 'custom'],
      ['access', 'sub', 'prohibited'],
      ['access', '__proto__', 'hostile'],
      ['id', 'companyName', 'custom'],
    ];
    for (const [type, name, category] of cases) expect(claimNameCategory(type, name), `${type} ${name}`).toBe(category);
    for (const type of TOKEN_TYPES) for (const n of DOCUMENTED_CLAIMS[type]) expect(PROHIBITED_CLAIMS[type]).not.toContain(n);
  });
});

// ---------------------------------------------------------------------------
// workflows
// ---------------------------------------------------------------------------

const set = (binding: TokenBinding, name: string, value: JsonValue, style: 'proxy' | 'lowLevel' = 'proxy') =>
  ({ kind: 'set', binding, name, value, style }) as const;
const program = (p: Partial<WorkflowProgram> & Pick<WorkflowProgram, 'ops'>): WorkflowProgram => ({
  id: 'handWritten',
  trigger: 'user:tokens_generation',
  bindings: ['kinde.accessToken', 'kinde.idToken'],
  declareUrlBinding: true,
  ...p,
});
const noEvent = Object.fromEntries(EVENT_PATHS.map((p) => [p, undefined])) as Record<EventPath, undefined>;
const userCtx: RunContext = { offered: TRIGGER_BINDINGS['user:tokens_generation'], event: noEvent };

describe('renderWorkflow', () => {
  it('compiles for random programs', async () => {
    await fc.assert(
      fc.asyncProperty(
        workflowProgramArb({ allowThrow: true, allowHang: true, undeclaredBindingRate: 0.3 }),
        async (p) => {
          const src = renderWorkflow(p);
          const out = await esbuild.transform(src, { loader: 'ts' });
          expect(out.code).toContain('export default async function Workflow');
          expect(src).toContain(p.trigger === 'user:tokens_generation' ? 'WorkflowTrigger.UserTokenGeneration' : 'WorkflowTrigger.M2MTokenGeneration');
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('bundles with @kinde/infrastructure and runs as expectedRun says', async () => {
    await fc.assert(
      fc.asyncProperty(
        workflowProgramArb({ allowThrow: true, undeclaredBindingRate: 0.3 }),
        fc.subarray([...TOKEN_BINDINGS]),
        fc.boolean(),
        eventArb,
        async (p, randomOffer, useTriggerOffer, event) => {
          const ctx: RunContext = { offered: useTriggerOffer ? TRIGGER_BINDINGS[p.trigger] : randomOffer, event };
          const expected = expectedRun(p, ctx);
          const observed = await runBundled(p, ctx);
          expect(observed.outcome).toBe(expected.completes ? 'completed' : expected.failure);
          expect(observed.writes.length).toBe(expected.writes.length);
          expect(sameJson(observed.writes, expected.writes)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('renders hostile-key objects so the workflow sets an own __proto__ key', async () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"constructor":[1,-0]}') as JsonValue;
    const rendered = renderJsonValue(value);
    const direct = new Function(`return ${rendered};`)() as object;
    expect(Object.hasOwn(direct, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(direct)).toBe(Object.prototype);
    expect(Object.is(new Function(`return ${renderJsonValue(-0)};`)(), -0)).toBe(true);
    expect(new Function(`return ${renderJsonValue(5e-324)};`)()).toBe(5e-324);
    expect(new Function(`return ${renderJsonValue('\u0000\u2028\u{1F600}')};`)()).toBe('\u0000\u2028\u{1F600}');

    for (const style of ['proxy', 'lowLevel'] as const) {
      const p = program({ ops: [set('kinde.accessToken', '__proto__', value, style)] });
      const run = await runBundled(p, userCtx);
      expect(run.outcome).toBe('completed');
      expect(run.writes.map((w) => w.name)).toEqual(['__proto__']);
      const raw = run.raw[0] as object;
      expect(Object.hasOwn(raw, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('declares only the bindings it is told to, and the url binding on request', () => {
    const src = renderWorkflow(program({ bindings: ['kinde.idToken'], declareUrlBinding: false, failurePolicy: 'continue', ops: [] }));
    expect(src).toContain('"kinde.idToken": {}');
    expect(src).not.toContain('"kinde.accessToken"');
    expect(src).not.toContain('url: {}');
    expect(src).toContain('action: "continue"');
    const m2m = renderWorkflow(
      program({ trigger: 'm2m:token_generation', bindings: ['kinde.m2mToken'], ops: [set('kinde.m2mToken', 'x', 1)] }),
    );
    expect(m2m).toContain('onM2MTokenGeneratedEvent');
    expect(m2m).toContain('m2mTokenClaims<Record<string, any>>()');
    expect(m2m).not.toContain('failurePolicy');
  });
});

describe('workflowProgramArb', () => {
  it('respects tokenTypes, trigger and the undeclared-binding rate', () => {
    for (const p of fc.sample(workflowProgramArb({ tokenTypes: ['id'] }), { seed: SEED, numRuns: 100 })) {
      expect(p.trigger).toBe('user:tokens_generation');
      for (const op of p.ops) if ('binding' in op) expect(op.binding).toBe('kinde.idToken');
      expect(expectedRun(p, userCtx).completes).toBe(true);
    }
    const always = fc.sample(workflowProgramArb({ trigger: 'm2m:token_generation', undeclaredBindingRate: 1 }), { seed: SEED, numRuns: 100 });
    const allOffered: RunContext = { offered: TOKEN_BINDINGS, event: noEvent };
    for (const p of always) {
      expect(p.trigger).toBe('m2m:token_generation');
      const writes = p.ops.some((op) => 'binding' in op);
      expect(expectedRun(p, allOffered).failure).toBe(writes ? 'undeclared-binding' : undefined);
    }
    const some = fc.sample(workflowProgramArb({ undeclaredBindingRate: 0.5, allowThrow: true, allowHang: true }), { seed: SEED, numRuns: 200 });
    const failures = new Set(some.map((p) => expectedRun(p, allOffered).failure));
    expect(failures).toEqual(new Set([undefined, 'undeclared-binding', 'threw', 'timeout']));
  });

  it('shrinks to a single op, minimal bindings, printed as source', () => {
    const out = fc.check(
      fc.property(workflowProgramArb({ trigger: 'user:tokens_generation' }), (p) => !p.ops.some((op) => op.kind === 'set' && op.name === 'sub')),
      { seed: SEED, numRuns: 300 },
    );
    expect(out.failed).toBe(true);
    const [p] = out.counterexample as [WorkflowProgram];
    expect(p.ops).toHaveLength(1);
    expect(p.ops[0]).toMatchObject({ kind: 'set', name: 'sub', style: 'proxy' });
    // the simplest value of whichever branch it came from
    expect([null, false, 0, '']).toContain((p.ops[0] as { value: JsonValue }).value);
    expect(p.bindings).toHaveLength(1);
    expect(p.declareUrlBinding).toBe(false);
    expect(p.failurePolicy).toBeUndefined();
    const printed = fc.stringify(p);
    expect(printed).toContain('export default async function Workflow');
    expect(printed).toMatch(/(accessToken|idToken)\["sub"\] = /);
  });
});

describe('expectedRun', () => {
  it('fails at the first op on an undeclared binding, keeping earlier writes', () => {
    const p = program({
      bindings: ['kinde.idToken'],
      ops: [set('kinde.idToken', 'a', 1), set('kinde.accessToken', 'b', 2, 'lowLevel'), set('kinde.idToken', 'c', 3)],
    });
    const run = expectedRun(p, userCtx);
    expect(run).toEqual<ExpectedRun>({
      completes: false,
      failure: 'undeclared-binding',
      writes: [{ binding: 'kinde.idToken', name: 'a', value: 1 }],
    });
  });

  it('treats a declared binding the trigger does not offer as undeclared', () => {
    const p = program({ bindings: ['kinde.m2mToken'], ops: [set('kinde.m2mToken', 'x', 'y')] });
    expect(expectedRun(p, userCtx).failure).toBe('undeclared-binding');
    expect(expectedRun(p, { offered: ['kinde.m2mToken'], event: noEvent }).completes).toBe(true);
  });

  it('reports a throw after a write', () => {
    const p = program({ ops: [set('kinde.accessToken', 'x', 'before'), { kind: 'throw', message: 'boom' }, set('kinde.accessToken', 'y', 1)] });
    expect(expectedRun(p, userCtx)).toEqual<ExpectedRun>({
      completes: false,
      failure: 'threw',
      writes: [{ binding: 'kinde.accessToken', name: 'x', value: 'before' }],
    });
    expect(expectedRun(program({ ops: [{ kind: 'loopForever' }] }), userCtx).failure).toBe('timeout');
  });

  it('keeps writes in order (last write wins via finalClaims), round-trips values and reads the event', () => {
    const p = program({
      ops: [
        set('kinde.accessToken', 'x', 1),
        set('kinde.idToken', 'x', 'id'),
        set('kinde.accessToken', 'x', -0, 'lowLevel'),
        { kind: 'setFromEvent', binding: 'kinde.accessToken', name: 'user', path: 'context.user.id', style: 'proxy' },
        { kind: 'setFromEvent', binding: 'kinde.accessToken', name: 'org', path: 'context.organization.code', style: 'lowLevel' },
      ],
    });
    const run = expectedRun(p, { ...userCtx, event: { ...noEvent, 'context.user.id': 'kp_abc' } });
    expect(run.completes).toBe(true);
    expect(run.writes.map((w) => [w.name, w.value])).toEqual([['x', 1], ['x', 'id'], ['x', 0], ['user', 'kp_abc'], ['org', null]]);
    expect(Object.is(run.writes[2]!.value, 0)).toBe(true);
    const access = finalClaims(run.writes, 'kinde.accessToken');
    expect([...access]).toEqual([['x', 0], ['user', 'kp_abc'], ['org', null]]);
    expect([...finalClaims(run.writes, 'kinde.idToken')]).toEqual([['x', 'id']]);
  });
});
