/** Shared by the generator tests: the seed, JSON checks, and running a rendered workflow bundled against a fake Kinde runtime. */
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import type { JsonValue } from '../../adapters/types.js';
import { jsonClaimValueArb, jsonRoundTrip } from '../../generators/claims.js';
import { EVENT_PATHS, renderWorkflow, TOKEN_BINDINGS } from '../../generators/workflow.js';
import type { EventPath, RunContext, TokenBinding, WorkflowProgram } from '../../generators/workflow.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const SEED = 20_240_115;

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

/** JSON equality: own keys (so `__proto__` counts), `0 === -0`. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Only null, booleans, finite numbers, strings without lone surrogates, arrays and plain objects. */
export function isJson(v: unknown): boolean {
  if (v === null || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return !LONE_SURROGATE.test(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (typeof v === 'object') return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(isJson);
  return false;
}

export function depth(v: JsonValue): number {
  if (typeof v !== 'object' || v === null) return 0;
  return 1 + Math.max(0, ...Object.values(v).map(depth));
}

export function* walk(v: JsonValue): Generator<JsonValue> {
  yield v;
  if (typeof v === 'object' && v !== null) for (const c of Object.values(v)) yield* walk(c);
}

export const bundleOptions: esbuild.BuildOptions = {
  bundle: true,
  write: false,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  format: 'iife',
  globalName: 'workflowModule',
  logLevel: 'silent',
};

export async function bundle(source: string): Promise<string> {
  const out = await esbuild.build({ ...bundleOptions, stdin: { contents: source, resolveDir: repoRoot, loader: 'ts' } });
  return out.outputFiles![0]!.text;
}

export interface ObservedRun {
  outcome: 'completed' | 'threw' | 'undeclared-binding';
  writes: { binding: TokenBinding; name: string; value: JsonValue }[];
  raw: unknown[];
}

/**
 * Runs a bundled workflow against a minimal fake of Kinde's runtime: the
 * `kinde` global exposes only bindings that are declared and offered, and
 * `setCustomClaim` records what it receives.
 */
export async function runBundled(p: WorkflowProgram, ctx: RunContext): Promise<ObservedRun> {
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

export const eventArb: fc.Arbitrary<Record<EventPath, JsonValue | undefined>> = fc.record(
  Object.fromEntries(
    EVENT_PATHS.map((p) => [p, fc.option(jsonClaimValueArb({ maxDepth: 1, maxStringLength: 16 }), { nil: undefined })]),
  ) as Record<EventPath, fc.Arbitrary<JsonValue | undefined>>,
);
