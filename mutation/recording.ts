/**
 * The recorded path of a campaign: the exchanges the checks have with the
 * real target, recorded once (during the wrapped control) and replayed under
 * every mutant whose operator only transforms answers.
 *
 * Why it is sound: fast-check generation is deterministic per seed, so a
 * check run with the same seed and runs makes the same requests in the same
 * order; a mutant that only rewrites answers (and does not make the check ask
 * something else) sees exactly the answers the target gave in the recording.
 * The recording is one list of exchanges per check, each keyed by the method
 * and its arguments; the replay walks the list and compares every request with
 * the recorded one. The first request that differs (a mutated refresh token
 * sent back, a request built from the wall clock) **diverges**: the replay
 * answers with an error, the campaign discards that run and judges the mutant
 * live on a fresh target. So a replayed verdict is one the live target would
 * have produced for the same requests; what is not known stays live.
 *
 * Which operators take the recorded path is declared by the operator
 * ({@link Operator.replayable}); by default those without an interceptor,
 * since an interceptor may change requests or state between them.
 */
import { createHash } from 'node:crypto';
import type {
  HttpGetAnswer,
  Adapter,
  AuthorizeRequest,
  AuthorizeResult,
  ClientCredentialsRequest,
  CodeExchangeRequest,
  DeployedWorkflow,
  Jwks,
  RefreshRequest,
  SignInRequest,
  TargetInfo,
  Tenant,
  TokenResult,
  WorkflowFixtureSet,
  RevokeRequest,
  RevokeResult,
} from '../adapters/types.js';
import { AdapterError } from '../adapters/types.js';
import type { Operator } from './types.js';

/** Whether an operator's mutants may be judged over recorded exchanges. */
export function replayable(op: Operator): boolean {
  return op.replayable ?? op.interceptor === undefined;
}

type Settled = { value: unknown } | { error: unknown };

interface Exchange {
  key: string;
  answer: Settled;
}

function keyOf(method: string, args: readonly unknown[]): string {
  return createHash('sha256').update(method).update('\0').update(JSON.stringify(args) ?? '').digest('base64');
}

interface ErrorData {
  name: string;
  message: string;
  code?: string;
}

export interface RecordingData {
  seed: number;
  runs: number;
  info?: TargetInfo;
  checks: Array<[string, Exchange[]]>;
}

function errorData(e: unknown): ErrorData {
  const x = e as { name?: unknown; message?: unknown; code?: unknown };
  return { name: String(x?.name ?? 'Error'), message: String(x?.message ?? e), ...(typeof x?.code === 'string' ? { code: x.code } : {}) };
}

function fromErrorData(d: ErrorData): Error {
  const e = d.name === 'AdapterError' && d.code !== undefined ? new AdapterError(d.code as AdapterError['code'], d.message) : Object.assign(new Error(d.message), d.code !== undefined ? { code: d.code } : {});
  e.name = d.name;
  return e;
}

/** What the checks exchanged with the unmutated target, per check, for one seed and run count. */
export class Recording {
  readonly seed: number;
  readonly runs: number;
  info?: TargetInfo;
  readonly #checks = new Map<string, Exchange[]>();
  /** Checks whose recording is complete (the suite finished them on the recorder). */
  readonly #complete = new Set<string>();

  constructor(seed: number, runs: number) {
    this.seed = seed;
    this.runs = runs;
  }

  exchanges(check: string): Exchange[] | undefined {
    return this.#complete.has(check) ? this.#checks.get(check) : undefined;
  }

  begin(check: string): Exchange[] {
    const list: Exchange[] = [];
    this.#checks.set(check, list);
    this.#complete.delete(check);
    return list;
  }

  end(check: string): void {
    if (this.#checks.has(check)) this.#complete.add(check);
  }

  /** Plain data for another thread: errors travel as their name, code and message. */
  toData(): RecordingData {
    const checks: RecordingData['checks'] = [];
    for (const [check, list] of this.#checks) {
      if (!this.#complete.has(check)) continue;
      checks.push([check, list.map(({ key, answer }) => ({ key, answer: 'error' in answer ? { error: errorData(answer.error) } : answer }))]);
    }
    return { seed: this.seed, runs: this.runs, ...(this.info ? { info: this.info } : {}), checks };
  }

  static fromData(data: RecordingData): Recording {
    const r = new Recording(data.seed, data.runs);
    if (data.info) r.info = data.info;
    for (const [check, list] of data.checks) {
      const into = r.begin(check);
      for (const { key, answer } of list) into.push({ key, answer: 'error' in answer ? { error: fromErrorData(answer.error as ErrorData) } : answer });
      r.end(check);
    }
    return r;
  }

  /** Exchanges recorded, over all checks. */
  get size(): number {
    let n = 0;
    for (const l of this.#checks.values()) n += l.length;
    return n;
  }
}

/** Shared shape of the recorder and the replayer: one `call` per adapter method. */
abstract class Sequenced implements Adapter {
  abstract readonly name: string;
  protected abstract call<T>(method: string, args: unknown[], live: () => Promise<T>): Promise<T>;
  protected abstract get inner(): Adapter | undefined;
  abstract start(): Promise<TargetInfo>;
  abstract stop(): Promise<void>;
  /** The suite is about to run `check` (run-suite's `beforeCheck`). */
  abstract beginCheck(check: string): void;
  abstract endCheck(check: string): void;

  provision(tenant: Tenant): Promise<void> {
    return this.call('provision', [tenant], () => this.inner!.provision(tenant));
  }
  deployWorkflow(source: string, fixtures?: WorkflowFixtureSet): Promise<DeployedWorkflow> {
    return this.call('deployWorkflow', [source, fixtures ?? null], () => (fixtures === undefined ? this.inner!.deployWorkflow(source) : this.inner!.deployWorkflow(source, fixtures)));
  }
  removeWorkflow(id: string): Promise<void> {
    return this.call('removeWorkflow', [id], () => this.inner!.removeWorkflow(id));
  }
  signIn(request: SignInRequest): Promise<TokenResult> {
    return this.call('signIn', [request], () => this.inner!.signIn(request));
  }
  refresh(request: RefreshRequest): Promise<TokenResult> {
    return this.call('refresh', [request], () => this.inner!.refresh(request));
  }
  clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult> {
    return this.call('clientCredentials', [request], () => this.inner!.clientCredentials(request));
  }
  jwks(): Promise<Jwks> {
    return this.call('jwks', [], () => this.inner!.jwks());
  }
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    return this.call('authorize', [request], () => this.#codeApi('authorize').authorize!(request));
  }
  exchangeCode(request: CodeExchangeRequest): Promise<TokenResult> {
    return this.call('exchangeCode', [request], () => this.#codeApi('exchangeCode').exchangeCode!(request));
  }
  tokenRequest(fields: Record<string, string>): Promise<TokenResult> {
    return this.call('tokenRequest', [fields], () => this.#codeApi('tokenRequest').tokenRequest!(fields));
  }
  #codeApi(method: 'authorize' | 'exchangeCode' | 'tokenRequest'): Adapter {
    if (!this.inner![method]) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.inner!.name} has no ${method}() (capability codeExchange)`);
    return this.inner!;
  }
  advanceClock(seconds: number): Promise<void> {
    return this.call('advanceClock', [seconds], () => {
      if (!this.inner!.advanceClock) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.inner!.name} cannot move its clock`);
      return this.inner!.advanceClock(seconds);
    });
  }
  clockNow(): Promise<number> {
    return this.call('clockNow', [], () => {
      if (!this.inner!.clockNow) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.inner!.name} cannot tell its clock`);
      return this.inner!.clockNow();
    });
  }
  httpGet(ref: string): Promise<HttpGetAnswer | null> {
    return this.call('httpGet', [ref], () => {
      if (!this.inner!.httpGet) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.inner!.name} does not show its HTTP surface`);
      return this.inner!.httpGet(ref);
    });
  }
  revoke(request: RevokeRequest): Promise<RevokeResult> {
    return this.call('revoke', [request], () => {
      if (!this.inner!.revoke) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.inner!.name} cannot revoke tokens`);
      return this.inner!.revoke(request);
    });
  }
  rotateKeys(): Promise<void> {
    return this.call('rotateKeys', [], () => {
      if (!this.inner!.rotateKeys) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.inner!.name} cannot rotate keys`);
      return this.inner!.rotateKeys();
    });
  }
}

/** Passes every call to the real target and records request and answer (or error) in order. */
export class RecordingAdapter extends Sequenced {
  readonly name: string;
  readonly recording: Recording;
  readonly #inner: Adapter;
  #list?: Exchange[];

  constructor(inner: Adapter, recording: Recording) {
    super();
    this.#inner = inner;
    this.recording = recording;
    this.name = inner.name;
  }

  protected get inner(): Adapter {
    return this.#inner;
  }

  async start(): Promise<TargetInfo> {
    const info = await this.#inner.start();
    this.recording.info = structuredClone(info);
    return info;
  }

  stop(): Promise<void> {
    return this.#inner.stop();
  }

  beginCheck(check: string): void {
    this.#list = this.recording.begin(check);
  }

  endCheck(check: string): void {
    this.recording.end(check);
    this.#list = undefined;
  }

  protected async call<T>(method: string, args: unknown[], live: () => Promise<T>): Promise<T> {
    const list = this.#list;
    // Taken before the call: a caller may change its request object afterwards.
    const key = keyOf(method, args);
    try {
      const value = await live();
      list?.push({ key, answer: { value: structuredClone(value) } });
      return value;
    } catch (error) {
      list?.push({ key, answer: { error } });
      throw error;
    }
  }
}

/** Raised (as the answer to a check) when a request differs from the recorded one. */
export class ReplayDiverged extends AdapterError {
  constructor(message: string) {
    super('ERR_TARGET_PROTOCOL', `replay diverged: ${message}`);
  }
}

/** Answers from a {@link Recording}; the first request that differs marks the run {@link diverged}. */
export class ReplayAdapter extends Sequenced {
  readonly name: string;
  readonly #recording: Recording;
  #list?: Exchange[];
  #at = 0;
  #check = '';
  /** Why the replay left the recording (undefined while it follows it). */
  diverged?: string;
  /** Exchanges answered from the recording. */
  replayed = 0;

  constructor(recording: Recording, name = recording.info?.name ?? 'recorded') {
    super();
    this.#recording = recording;
    this.name = name;
  }

  protected get inner(): undefined {
    return undefined;
  }

  async start(): Promise<TargetInfo> {
    if (!this.#recording.info) throw new ReplayDiverged('the recording has no start() answer');
    return structuredClone(this.#recording.info);
  }

  async stop(): Promise<void> {}

  beginCheck(check: string): void {
    this.#check = check;
    this.#list = this.#recording.exchanges(check);
    this.#at = 0;
    // Not thrown here (the suite is between checks): the check's first call answers with it.
    if (!this.#list) this.diverged ??= `no complete recording of check "${check}"`;
  }

  endCheck(): void {
    this.#list = undefined;
  }

  #diverge(why: string): never {
    this.diverged ??= why;
    throw new ReplayDiverged(why);
  }

  protected async call<T>(method: string, args: unknown[]): Promise<T> {
    if (this.diverged !== undefined) this.#diverge(this.diverged);
    const list = this.#list;
    if (!list) return this.#diverge(`${method} outside a recorded check`);
    const next = list[this.#at];
    if (!next) return this.#diverge(`${method} after the ${list.length} recorded exchanges of "${this.#check}"`);
    if (next.key !== keyOf(method, args)) return this.#diverge(`exchange ${this.#at + 1} of "${this.#check}" (${method}) differs from the recorded request`);
    this.#at += 1;
    this.replayed += 1;
    if ('error' in next.answer) throw next.answer.error;
    return structuredClone(next.answer.value) as T;
  }
}
