/**
 * Runs one check against a started environment and packs what it decided as
 * a {@link ConformanceMeta}: the unit every runner (the command line's worker
 * pool, a consumer's vitest) reports and {@link collectResults} folds.
 */
import type { Area } from '../reports/results.js';
import { isApplicable, requirementById } from '../schemas/catalog.js';
import { loadTarget, loadVerifier } from '../targets/load.js';
import { foreignLine } from '../reports/sanitize.js';
import { AdapterError, type Adapter, type Capability, type TargetInfo } from '../adapters/types.js';
import type { VerifierAdapter } from '../adapters/verifier-types.js';
import type { Check, CheckEnv } from '../suites/lib/check.js';
import { replayCommand, type ConformanceOptions } from './options.js';
import { runCheck, type RequirementOutcome } from './run-check.js';

export interface TestOutcome extends RequirementOutcome {
  replay?: string;
}

export interface ConformanceMeta {
  area: Area;
  check: string;
  target: TargetInfo | { name: string; version: string; capabilities?: undefined };
  seed: number;
  runs: number;
  durationMs: number;
  outcomes: Record<string, TestOutcome>;
  /** The target (or verifier) could not be started, or failed so that the rest was not attempted. */
  unreachable?: string;
}

/** Error codes after which a target is known broken for the rest of the run. */
export const TARGET_FAILURE_CODES = ['ERR_TARGET_UNREACHABLE', 'ERR_TARGET_TIMEOUT', 'ERR_TARGET_PROTOCOL', 'ERR_VERIFIER_UNREACHABLE'] as const;
/** Of those, the ones that mean "could not be reached" (exit 3) rather than "answered wrongly". */
export const UNREACHABLE_CODES = ['ERR_TARGET_UNREACHABLE', 'ERR_TARGET_TIMEOUT', 'ERR_VERIFIER_UNREACHABLE'] as const;

/** The first target-failure code a reason starts with, if any (reasons read `CODE: message`). */
export function targetFailureCode(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  return TARGET_FAILURE_CODES.find((c) => reason.startsWith(`${c}:`) || reason.includes(`(${c}: `));
}

export function checkTitle(check: Check<unknown>): string {
  return `[${check.requirements.join(' ')}] ${check.name}`;
}

/** Starts the target (and verifier) a run needs. Throws an error whose message starts with its code. */
export async function startEnvironment(options: ConformanceOptions, given: { adapter?: Adapter; verifier?: VerifierAdapter } = {}): Promise<CheckEnv> {
  let stage = 'target';
  let adapter: Adapter | undefined;
  try {
    adapter = given.adapter ?? await loadTarget(options.target, {
      ...(options.targetUrl !== undefined ? { targetUrl: options.targetUrl } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.validateProtocol ? { validateProtocol: true } : {}),
    });
    const info = checkTargetInfo(await adapter.start(), options.target);
    if (options.verifier === undefined && !given.verifier) return { adapter, info };
    stage = 'verifier';
    const v = given.verifier ?? await loadVerifier(options.verifier!, {
      ...(options.verifierUrl !== undefined ? { verifierUrl: options.verifierUrl } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const vInfo = await v.start();
    return { adapter, info, verifier: { adapter: v, info: { ...vInfo, name: foreignLine(String(vInfo.name), 200), version: foreignLine(String(vInfo.version), 100) } } };
  } catch (e) {
    await adapter?.stop().catch(() => {});
    const code = (e as { code?: string }).code;
    const fallback = stage === 'verifier' ? 'ERR_VERIFIER_UNREACHABLE' : 'ERR_TARGET_UNREACHABLE';
    const known = code === 'ERR_TARGET_TIMEOUT' || code === 'ERR_TARGET_PROTOCOL' ? code : fallback;
    const who = stage === 'verifier' ? `verifier "${options.verifier}"` : `target "${options.target}"`;
    throw new AdapterError(known as 'ERR_TARGET_UNREACHABLE', `${known}: ${who} could not be started: ${(e as Error).message}`);
  }
}

const CAPABILITY_NAMES: readonly Capability[] = ['userTokens', 'refresh', 'm2m', 'orgScopedM2m', 'workflows', 'properties', 'featureFlags', 'clock', 'keyRotation', 'workflowFixtures', 'httpSurface', 'revocation', 'codeExchange'];

/** What start() answered must be a TargetInfo: a wrong or missing field is named, never a TypeError later. */
export function checkTargetInfo(info: unknown, target: string): TargetInfo {
  const bad = (why: string) => new AdapterError('ERR_TARGET_PROTOCOL', `start() of target "${target}" answered ${why} (see docs/writing-an-adapter.md)`);
  if (typeof info !== 'object' || info === null) throw bad(`${info === null ? 'null' : typeof info}, not a TargetInfo`);
  const i = info as Record<string, unknown>;
  if (typeof i.name !== 'string' || i.name === '') throw bad('no string "name"');
  if (typeof i.version !== 'string') throw bad('no string "version"');
  if (typeof i.capabilities !== 'object' || i.capabilities === null) throw bad('no "capabilities" object');
  const caps = i.capabilities as Record<string, unknown>;
  for (const k of Object.keys(caps)) {
    if (!(CAPABILITY_NAMES as readonly string[]).includes(k)) throw bad(`an unknown capability "${foreignLine(k, 80)}"; known: ${CAPABILITY_NAMES.join(', ')}`);
  }
  for (const k of CAPABILITY_NAMES) {
    if (caps[k] !== undefined && typeof caps[k] !== 'boolean') throw bad(`capabilities.${k} = ${JSON.stringify(caps[k])}, not a boolean`);
  }
  // An undeclared capability is not declared: false, never undefined. The name and version are the
  // target's text, printed in progress lines and summaries: made one safe line here, at the source.
  return { ...(info as TargetInfo), name: foreignLine(i.name, 200), version: foreignLine(i.version, 100), capabilities: Object.fromEntries(CAPABILITY_NAMES.map((k) => [k, caps[k] === true])) as unknown as TargetInfo['capabilities'] };
}

export async function stopEnvironment(env: CheckEnv | undefined): Promise<void> {
  await env?.verifier?.adapter.stop().catch(() => {});
  await env?.adapter.stop().catch(() => {});
}

/** Every requirement of `check` (within --only) decided as ERRORED for `reason`, without running it. */
export function notAttempted(area: Area, check: Check<any>, options: ConformanceOptions, reason: string): ConformanceMeta {
  const ids = check.requirements.filter((r) => options.only.length === 0 || options.only.includes(r));
  return {
    area,
    check: check.name,
    target: { name: options.verifier !== undefined ? `verifier:${options.verifier}` : options.target, version: 'unknown' },
    seed: options.seed,
    runs: 0,
    durationMs: 0,
    outcomes: Object.fromEntries(ids.map((r) => [r, { verdict: 'ERRORED', reason }])),
    unreachable: reason,
  };
}

/** `signal`: when it fires, the check ends at its next adapter call (runner/abortable.ts wraps the adapters). */
export async function executeCheck(area: Area, check: Check<any>, env: CheckEnv, options: ConformanceOptions, signal?: AbortSignal): Promise<ConformanceMeta> {
  const only = new Set(options.only);
  const result = await runCheck(check, env, {
    ...(signal ? { signal } : {}),
    seed: options.seed,
    runs: options.runs,
    severity: (id: string) => severityFor(env.info, id),
    declined: (id: string) => declinedBy(env.info, id),
    ...(only.size > 0 ? { only } : {}),
    ...(options.path !== undefined ? { path: options.path } : {}),
  });
  const outcomes: Record<string, TestOutcome> = {};
  for (const [id, o] of Object.entries(result.outcomes)) {
    outcomes[id] = o.failure ? { ...o, replay: replayCommand(options, id, o.failure.path) } : o;
  }
  const { verifier, info } = env;
  return {
    area,
    check: check.name,
    target: verifier ? { ...info, name: `verifier:${verifier.info.name}`, version: verifier.info.version } : info,
    seed: options.seed,
    runs: result.runs,
    durationMs: result.durationMs,
    outcomes,
  };
}

/** The outcomes that make a check red: FAILED, ERRORED, and WARNING under --strict. */
export function brokenOutcomes(meta: ConformanceMeta, strict: boolean): Array<[string, TestOutcome]> {
  return Object.entries(meta.outcomes).filter(([, o]) => o.verdict === 'FAILED' || o.verdict === 'ERRORED' || (strict && o.verdict === 'WARNING'));
}

/**
 * The severity a violation of `id` has for this target: the catalog's, except
 * that a contradiction the target resolved by declaring its reading
 * (`contradiction.resolvedBy`, e.g. its refresh-token overlap window) is
 * judged at `fail` against that declaration.
 */
export function severityFor(info: TargetInfo, id: string): 'fail' | 'warning' {
  const req = requirementById(id);
  const field = req.contradiction?.resolvedBy;
  return field !== undefined && info[field] !== undefined ? 'fail' : req.severity;
}

/** A requirement the target declared out, or whose capabilities and token types it lacks. */
export function declinedBy(info: TargetInfo, id: string): string | undefined {
  const declared = info.notApplicable?.[id];
  if (declared !== undefined) return declared;
  const req = requirementById(id);
  if (isApplicable(req, info.capabilities)) return undefined;
  const missing = req.capabilities.filter((c) => !info.capabilities[c]);
  return missing.length > 0
    ? `target "${info.name}" does not declare: ${missing.join(', ')}`
    : `target "${info.name}" issues none of the token types ${id} is about (${req.tokenTypes.join(', ')})`;
}

export function describeBroken(broken: Array<[string, TestOutcome]>): string {
  return broken
    .map(([id, o]) => {
      const lines = [`${id} ${o.verdict}: ${o.failure?.message ?? o.reason ?? ''}`];
      const c = o.failure?.counterexample;
      if (c?.claim !== undefined) lines.push(`  claim:    ${c.claim}`);
      if (c && 'expected' in c) lines.push(`  expected: ${JSON.stringify(c.expected)}`);
      if (c && 'actual' in c) lines.push(`  actual:   ${JSON.stringify(c.actual)}`);
      if (c?.token) lines.push(`  token:    ${JSON.stringify(c.token.payload)}`);
      if (c?.workflows?.length) lines.push(`  workflows:\n${c.workflows.map((w) => w.replace(/^/gm, '    ')).join('\n    ---\n')}`);
      if (c?.commands?.length) lines.push(`  commands:\n${c.commands.map((x) => `    ${x}`).join('\n')}`);
      if (o.replay) lines.push(`  replay:   ${o.replay}`);
      return lines.join('\n');
    })
    .join('\n\n');
}
