/**
 * The workflows deployed on one reference issuer, and how their claim writes
 * reach the tokens: deployment (bounded per tenant), running every workflow of
 * a trigger in deployment order in the sandbox pool, and applying the writes
 * with the prohibited and issuer-computed claims left alone.
 */
import type { DeployedWorkflow, JsonObject, JsonValue, TokenType, WorkflowFixtureSet } from '../adapters/types.js';
import type { DefectName } from './defects.js';
import { IssuerError } from './errors.js';
import { ISSUER_LIMITS } from './limits.js';
import { ISSUER_COMPUTED, PROHIBITED } from './prohibited.js';
import {
  compileWorkflow,
  parseWorkflowFixtures,
  runWorkflow,
  type ClaimWrite,
  type CompiledWorkflow,
  type TokenBinding,
  type WorkflowFixtures,
} from './workflows/index.js';

export type ClaimWrites = Record<TokenBinding, ClaimWrite[]>;

export class DeployedWorkflows {
  readonly #byId = new Map<string, CompiledWorkflow>();
  /** What kinde.env and kinde.fetch answer for each deployed workflow (by id; absent: nothing). */
  readonly #fixtures = new Map<string, WorkflowFixtures>();
  readonly #has: (d: DefectName) => boolean;
  readonly #timeoutMs: number;
  /** The sandbox fairness key: this issuer's runs queue behind each other, not behind other issuers'. */
  readonly #owner: object;

  constructor(owner: object, has: (d: DefectName) => boolean, timeoutMs: number) {
    this.#owner = owner;
    this.#has = has;
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** `fixtures`: what the workflow's kinde.env and kinde.fetch answer; invalid ones are `invalid_request` naming the field. */
  async deploy(source: string, raw?: WorkflowFixtureSet): Promise<DeployedWorkflow> {
    let fixtures: WorkflowFixtures | undefined;
    try {
      fixtures = raw === undefined ? undefined : parseWorkflowFixtures(raw, 'fixtures');
    } catch (e) {
      throw new IssuerError('invalid_request', (e as Error).message, 400);
    }
    let src = this.#has('workflow-promise-not-awaited') ? notAwaited(source) : source;
    if (this.#has('undefined-written-as-null')) src = undefinedAsNull(src);
    const wf = await compileWorkflow(src, this.#owner);
    if (!this.#byId.has(wf.settings.id) && this.#byId.size >= ISSUER_LIMITS.maxWorkflows) {
      throw new IssuerError(
        'too_many_workflows',
        `at most ${ISSUER_LIMITS.maxWorkflows} workflows can be deployed at once; remove one first (DELETE /_conformance/v1/workflows/:id)`,
        409,
      );
    }
    this.#byId.delete(wf.settings.id);
    this.#byId.set(wf.settings.id, wf);
    if (fixtures) this.#fixtures.set(wf.settings.id, fixtures);
    else this.#fixtures.delete(wf.settings.id);
    return { id: wf.settings.id, trigger: wf.settings.trigger };
  }

  remove(id: string): void {
    if (!this.#byId.delete(id)) throw new IssuerError('invalid_request', `no workflow with id "${id}"`, 404);
    this.#fixtures.delete(id);
  }

  clear(): void {
    this.#byId.clear();
    this.#fixtures.clear();
  }

  /**
   * Run every deployed workflow of the given triggers, in deployment order.
   * A failed workflow stops the token request (failurePolicy stop, the
   * default) or contributes nothing (continue). Other environments' requests
   * go on meanwhile: the runs are asynchronous.
   */
  async run(triggers: string[], event: JsonObject | Record<string, unknown>, tokens: Partial<Record<TokenBinding, JsonObject>>): Promise<ClaimWrites> {
    const out: ClaimWrites = { 'kinde.accessToken': [], 'kinde.idToken': [], 'kinde.m2mToken': [] };
    // A snapshot: a deployment during the runs does not change this request.
    for (const deployed of [...this.#byId.values()]) {
      if (!triggers.includes(deployed.settings.trigger)) continue;
      const wf = this.#withDefects(deployed, tokens);
      // Each workflow sees the claims as the previous workflows left them.
      const current: Partial<Record<TokenBinding, JsonObject>> = {};
      for (const [b, claims] of Object.entries(tokens) as [TokenBinding, JsonObject][]) {
        const copy = structuredClone(claims);
        applyWrites(copy, bindingType(b), out[b], this.#has);
        current[b] = copy;
      }
      const fixtures = this.#fixtures.get(deployed.settings.id);
      const result = await runWorkflow(wf, {
        event: event as JsonObject,
        tokens: current,
        timeoutMs: this.#timeoutMs,
        owner: this.#owner,
        ...(fixtures ? { fixtures: this.#fixturesWithDefects(fixtures) } : {}),
      });
      if (!result.ok) {
        if (wf.settings.failurePolicy === 'continue' || this.#has('failure-policy-ignored')) {
          if (this.#has('only-first-workflow-runs')) break;
          continue;
        }
        throw new IssuerError(
          'access_denied',
          `workflow "${wf.settings.id}" failed (${result.error.code}: ${result.error.message}) and its failurePolicy is stop`,
          403,
        );
      }
      for (const w of result.writes) if (w.binding in out && tokens[w.binding]) out[w.binding].push(w);
      if (this.#has('only-first-workflow-runs')) break;
    }
    return out;
  }

  /** The fixtures as a defective issuer would answer them. */
  #fixturesWithDefects(f: WorkflowFixtures): WorkflowFixtures {
    let out = f;
    if (this.#has('env-values-trimmed')) out = trimmedEnv(out);
    if (this.#has('fetch-ignores-url')) out = { ...out, fetch: out.fetch.map((x, i) => (i === 0 ? { ...x, url: '*' } : x)) };
    return out;
  }

  /** The deployed workflow as a defective issuer would run it (its declared bindings widened). */
  #withDefects(deployed: CompiledWorkflow, tokens: Partial<Record<TokenBinding, JsonObject>>): CompiledWorkflow {
    const extra: string[] = [];
    if (this.#has('bindings-not-enforced')) extra.push(...Object.keys(tokens));
    if (this.#has('fetch-env-always-mounted')) extra.push('kinde.env', 'kinde.fetch');
    if (this.#has('secure-fetch-with-fetch') && deployed.settings.bindings.includes('kinde.fetch')) extra.push('kinde.secureFetch');
    return extra.length === 0 ? deployed : { ...deployed, settings: { ...deployed.settings, bindings: [...deployed.settings.bindings, ...extra] } };
  }
}

/** Seeded defect `env-values-trimmed`: environment values lose their surrounding whitespace (as some .env readers do). */
function trimmedEnv(f: WorkflowFixtures): WorkflowFixtures {
  return { ...f, env: Object.fromEntries(Object.entries(f.env).map(([k, v]) => [k, { ...v, value: v.value.trim() }])) };
}

/**
 * Defect `workflow-promise-not-awaited`: the default export is called and its
 * promise dropped, so the run settles before the workflow's later turns
 * (the sandbox accepts no writes after it settled). Sources without the
 * tutorial's `export default async function Workflow(` are left as they are.
 */
function notAwaited(source: string): string {
  const entry = 'export default async function Workflow(';
  if (!source.includes(entry)) return source;
  return `${source.replace(entry, 'async function workflowBody(')}
export default function Workflow(event: any) {
  workflowBody(event).catch(() => undefined);
}
`;
}

/**
 * Defect `undefined-written-as-null`: the workflow module sees a `kinde`
 * whose `setCustomClaim` stores `undefined` as null (it shadows the global
 * binding, so only the low-level API is affected; the library's proxies still
 * reach the real one, which refuses undefined).
 */
function undefinedAsNull(source: string): string {
  return `const kinde: any = ((k: any) =>
  k && Object.fromEntries(Object.entries(k).map(([name, b]: [string, any]) =>
    [name, { ...b, setCustomClaim: (claim: string, value: unknown) => b.setCustomClaim(claim, value === undefined ? null : value) }])))((globalThis as any).kinde);
${source.replace(/^declare const kinde: any;$/m, '')}`;
}

function bindingType(b: TokenBinding): TokenType {
  return b === 'kinde.accessToken' ? 'access' : b === 'kinde.idToken' ? 'id' : 'm2m';
}

/** Apply a workflow's claim writes to one token, ignoring prohibited claims. */
export function applyWrites(claims: JsonObject, type: TokenType, writes: ClaimWrite[], has: (d: DefectName) => boolean): void {
  const seen = new Set<string>();
  for (const w of writes) {
    const overwriteSub = w.name === 'sub' && has('workflow-overwrites-sub');
    if ((PROHIBITED[type].has(w.name) && !overwriteSub) || ISSUER_COMPUTED[type].has(w.name)) continue;
    if (has('last-write-first-wins') && seen.has(w.name)) continue;
    seen.add(w.name);
    if (has('empty-permissions-removed') && w.name === 'permissions' && Array.isArray(w.value) && w.value.length === 0) {
      delete claims.permissions;
      continue;
    }
    if (has('hostile-name-corrupts')) {
      // The classic prototype pollution: build a plain object by assignment, copy it with for…in.
      const custom: Record<string, JsonValue> = {};
      custom[w.name] = w.value;
      for (const k in custom) (claims as Record<string, JsonValue>)[k] = custom[k]!;
    } else {
      Object.defineProperty(claims, w.name, { value: w.value, enumerable: true, writable: true, configurable: true });
    }
  }
}

/**
 * The access-token writes to apply: this issuance's, remembered at sign-in.
 * The `refresh-keeps-first-workflow-claims` mutant applies the sign-in's again
 * on refresh instead of what the workflows wrote with origin refresh_token_request.
 */
export function accessWritesFor(
  origin: 'authorization_request' | 'refresh_token_request',
  session: { firstAccessWrites?: ClaimWrite[] },
  writes: ClaimWrite[],
  has: (d: DefectName) => boolean,
): ClaimWrite[] {
  if (origin === 'authorization_request') {
    session.firstAccessWrites = writes;
    return writes;
  }
  return has('refresh-keeps-first-workflow-claims') && session.firstAccessWrites ? session.firstAccessWrites : writes;
}
