/**
 * A small pool of sandbox processes (`sandbox-child.js`), asynchronous so the
 * caller's event loop (e.g. `serve` answering other sessions) keeps running
 * while a workflow runs.
 *
 * - Each process runs one request at a time; at most `size` processes.
 * - Fair between owners (a session, an issuer): an owner has at most
 *   `perOwner` runs in flight and `queuePerOwner` waiting (more: `busy` at
 *   once); free processes go round-robin to the owners that wait.
 * - A process ends itself (its watchdog) when a run passes its time or memory
 *   limit, and is killed when it does not answer within the run's timeout plus
 *   a grace period; one that died is replaced by a fresh one on the next request. One that answers with a resident set
 *   above `recycleMb` is replaced too, so every run starts small; idle
 *   processes end after `idleMs`.
 * - Code is shipped once per process and referred to by key afterwards.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SandboxRequest, SandboxResponse } from './sandbox-protocol.js';

export interface PoolOptions {
  /** Sandbox processes at most. */
  size: number;
  /** Runs in flight per owner. */
  perOwner: number;
  /** Runs waiting per owner; beyond it a request is answered `busy` at once. */
  queuePerOwner: number;
  /** V8 old-space limit of a sandbox process (MiB). */
  heapMb: number;
  /** Resident-set limit of a sandbox process (MiB): heap, array buffers, strings, native memory. */
  memoryMb: number;
  /** A process that answers with more resident memory than this is replaced (MiB). */
  recycleMb: number;
  /** How often the memory watchdog looks (ms). */
  watchIntervalMs: number;
  /** Extra time beyond a run's timeout before its process is killed (ms). */
  graceMs: number;
  /** An idle process ends after this long (ms). */
  idleMs: number;
  /** The in-sandbox limits (SANDBOX_LIMITS). */
  limits: Readonly<Record<string, number>>;
}

export interface PoolStats {
  processes: number;
  busy: number;
  queued: number;
  /** Processes started since the pool was made. */
  started: number;
  /** Processes that ended while running a workflow (limits, timeouts, crashes). */
  killed: number;
}

const CHILD = fileURLToPath(new URL('./sandbox-child.js', import.meta.url));
/** Written on stderr by the child's watchdog just before it kills the process. */
const MEMORY_MARKER = 'KTC_SANDBOX_MEMORY_LIMIT';
const TIME_MARKER = 'KTC_SANDBOX_TIME_LIMIT';
const V8_OOM = /heap out of memory|Allocation failed|Reached heap limit|invalid table size/i;
/** Keys remembered per process (its own script cache holds 500; it answers `missing` when it evicted one). */
const MAX_KNOWN = 500;
const STDERR_TAIL = 4_096;
/** A process that is not ready this long after its start is given up. */
const START_TIMEOUT_MS = 60_000;

interface Job {
  req: SandboxRequest;
  owner: unknown;
  resolve: (res: SandboxResponse) => void;
}

interface Active {
  job: Job;
  id: number;
  /** The run's deadline; started once the process is ready. */
  timer?: NodeJS.Timeout;
  resent: boolean;
}

interface Slot {
  proc: ChildProcess;
  active?: Active;
  /** Code keys this process has compiled (it may have evicted some: it then answers `missing`). */
  codes: Set<string>;
  libKey?: string;
  stderr: string;
  idleTimer?: NodeJS.Timeout;
  /** Started and guarded by its watchdog: deadlines run from here. */
  ready: boolean;
  gone: boolean;
}

type Failure = Pick<SandboxResponse, 'status' | 'message'>;

const answer = (f: Failure): SandboxResponse => ({ ...f, extra: '', writes: [], logs: [], requests: [] });

export class SandboxPool {
  readonly options: Readonly<PoolOptions>;
  readonly #slots = new Set<Slot>();
  readonly #idle: Slot[] = [];
  /** Owners with waiting jobs, in round-robin order. */
  readonly #queues = new Map<unknown, Job[]>();
  readonly #running = new Map<unknown, number>();
  #nextRequest = 1;
  #started = 0;
  #killed = 0;
  #closed = false;
  /** Time spent handling requests inside sandbox processes (ms), for benchmarks. */
  inSandboxMs = 0;

  constructor(options: PoolOptions) {
    this.options = Object.freeze({ ...options });
  }

  /** Runs one request; never rejects (failures are statuses: `timeout`, `memory`, `busy`, `crashed`, …). */
  run(req: SandboxRequest, owner: unknown): Promise<SandboxResponse> {
    if (this.#closed) return Promise.resolve(answer({ status: 'crashed', message: 'the sandbox pool was closed' }));
    const queue = this.#queues.get(owner);
    if (queue !== undefined && queue.length >= this.options.queuePerOwner) {
      return Promise.resolve(
        answer({ status: 'busy', message: `more than ${this.options.queuePerOwner} workflow runs of this environment are waiting for a sandbox` }),
      );
    }
    return new Promise((resolve) => {
      const job: Job = { req, owner, resolve };
      if (queue === undefined) this.#queues.set(owner, [job]);
      else queue.push(job);
      this.#pump();
    });
  }

  stats(): PoolStats {
    let queued = 0;
    for (const q of this.#queues.values()) queued += q.length;
    return { processes: this.#slots.size, busy: this.#slots.size - this.#idle.length, queued, started: this.#started, killed: this.#killed };
  }

  /** Kills every process; waiting and running requests are answered `crashed`. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const queue of this.#queues.values()) for (const job of queue) job.resolve(answer({ status: 'crashed', message: 'the sandbox pool was closed' }));
    this.#queues.clear();
    const exits: Promise<void>[] = [];
    for (const slot of [...this.#slots]) {
      if (!slot.gone && slot.proc.exitCode === null && slot.proc.signalCode === null) {
        exits.push(new Promise((resolve) => slot.proc.once('close', () => resolve())));
        // Keep this process alive until the 'close' arrives.
        slot.proc.ref();
        (slot.proc.stderr as { ref?: () => void }).ref?.();
      }
      this.#finish(slot, answer({ status: 'crashed', message: 'the sandbox pool was closed' }));
      this.#retire(slot);
    }
    await Promise.all(exits);
  }

  #pump(): void {
    while (!this.#closed) {
      const owner = this.#nextOwner();
      if (owner === undefined) return;
      let slot = this.#idle.pop();
      let failure: string | undefined;
      if (slot === undefined && this.#slots.size < this.options.size) {
        try {
          slot = this.#spawn();
        } catch (e) {
          failure = `a sandbox process could not be started: ${(e as Error).message}`;
        }
      }
      if (slot === undefined && failure === undefined) return;
      const queue = this.#queues.get(owner)!;
      const job = queue.shift()!;
      // Round-robin: this owner goes to the back of the line.
      this.#queues.delete(owner);
      if (queue.length > 0) this.#queues.set(owner, queue);
      if (slot === undefined) {
        job.resolve(answer({ status: 'crashed', message: failure! }));
        continue;
      }
      this.#running.set(owner, (this.#running.get(owner) ?? 0) + 1);
      this.#dispatch(slot, job);
    }
  }

  #nextOwner(): unknown {
    for (const owner of this.#queues.keys()) if ((this.#running.get(owner) ?? 0) < this.options.perOwner) return owner;
    return undefined;
  }

  #spawn(): Slot {
    const o = this.options;
    const config = { limits: o.limits, maxRssBytes: o.memoryMb * 2 ** 20, watchIntervalMs: o.watchIntervalMs };
    const proc = fork(CHILD, [JSON.stringify(config)], {
      // A plain Node process: no loaders inherited from tsx/vitest, none of our environment.
      // Small young generation and size-optimized code: a sandbox process holds ~9 MiB less (64 vs 73 MiB), no slower.
      execArgv: [`--max-old-space-size=${o.heapMb}`, '--max-semi-space-size=1', '--optimize-for-size', '--no-expose-wasm', '--disallow-code-generation-from-strings'],
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.#started += 1;
    const slot: Slot = { proc, codes: new Set(), stderr: '', ready: false, gone: false };
    const startTimer = setTimeout(() => {
      if (!slot.ready) this.#fail(slot, { status: 'crashed', message: `a sandbox process did not start within ${START_TIMEOUT_MS} ms` });
    }, START_TIMEOUT_MS).unref();
    this.#slots.add(slot);
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => (slot.stderr = (slot.stderr + d).slice(-STDERR_TAIL)));
    proc.on('message', (m: (SandboxResponse & { id: number; rss: number; ms: number }) | { ready: true }) => {
      if (!('ready' in m)) return this.#onAnswer(slot, m);
      clearTimeout(startTimer);
      slot.ready = true;
      if (slot.active !== undefined) this.#arm(slot);
    });
    proc.on('error', (e) => this.#onGone(slot, { status: 'crashed', message: `the sandbox process failed: ${e.message}` }));
    proc.on('close', (code, signal) => this.#onGone(slot, this.#cause(slot, code, signal)));
    (proc.stderr as { unref?: () => void }).unref?.();
    return slot;
  }

  /** Why a process ended under a run, from the marker or V8's message on its stderr. */
  #cause(slot: Slot, code: number | null, signal: NodeJS.Signals | null): Failure {
    const o = this.options;
    if (slot.stderr.includes(TIME_MARKER)) {
      return { status: 'timeout', message: `the workflow did not finish within ${slot.active?.job.req.timeoutMs ?? '?'} ms` };
    }
    if (slot.stderr.includes(MEMORY_MARKER)) {
      return { status: 'memory', message: `the workflow exceeded the sandbox memory limit (${o.memoryMb} MiB resident: heap, array buffers, strings); its sandbox was stopped` };

    }
    if (V8_OOM.test(slot.stderr)) {
      return { status: 'memory', message: `the workflow exceeded the sandbox heap limit (${o.heapMb} MiB); its sandbox was stopped` };
    }
    // Node's own last words (e.g. a module it could not load) say what broke; workflow output never goes to stderr.
    const said = slot.stderr.split('\n').map((l) => l.trim()).find((l) => /^\w*Error\b|^\[?ERR_/.test(l));
    const detail = said === undefined ? '' : `: ${said.length > 300 ? `${said.slice(0, 300)}…` : said}`;
    return { status: 'crashed', message: `the sandbox process ended unexpectedly (${signal ?? `exit code ${code}`})${detail}` };
  }

  #dispatch(slot: Slot, job: Job): void {
    this.#unpark(slot);
    slot.active = { job, id: this.#nextRequest++, resent: false };
    if (slot.ready) this.#arm(slot);
    this.#send(slot, false);
  }

  #arm(slot: Slot): void {
    const a = slot.active!;
    a.timer = setTimeout(() => this.#onTimeout(slot), a.job.req.timeoutMs + this.options.graceMs);
  }

  #send(slot: Slot, full: boolean): void {
    const a = slot.active!;
    const { req } = a.job;
    const msg: Record<string, unknown> = {
      id: a.id,
      mode: req.mode,
      codeKey: req.codeKey,
      libKey: req.libKey,
      libName: req.libName,
      timeoutMs: req.timeoutMs,
      tokensJson: req.tokensJson,
      eventJson: req.eventJson,
    };
    if (req.bindingsJson !== undefined) msg.bindingsJson = req.bindingsJson;
    if (req.fixturesJson !== undefined) msg.fixturesJson = req.fixturesJson;
    if (full || !slot.codes.has(req.codeKey)) msg.code = req.code;
    if (full || slot.libKey !== req.libKey) msg.lib = req.lib;
    slot.proc.send(msg, (e) => {
      if (e) this.#fail(slot, { status: 'crashed', message: `the sandbox process could not be reached: ${e.message}` });
    });
  }

  #onAnswer(slot: Slot, m: SandboxResponse & { id: number; rss: number; ms: number }): void {
    const a = slot.active;
    if (a === undefined || m.id !== a.id) return; // stale: a run that was already given up
    if (m.status === 'missing') {
      if (a.resent) return this.#fail(slot, { status: 'crashed', message: 'the sandbox lost the workflow code' });
      a.resent = true;
      return this.#send(slot, true);
    }
    if (slot.codes.size >= MAX_KNOWN) slot.codes.clear();
    slot.codes.add(a.job.req.codeKey);
    slot.libKey = a.job.req.libKey;
    const { id: _id, rss, ms, ...response } = m;
    this.inSandboxMs += ms;
    this.#finish(slot, response);
    if (rss > this.options.recycleMb * 2 ** 20) this.#retire(slot);
    else this.#park(slot, true);
    this.#pump();
  }

  #onTimeout(slot: Slot): void {
    const ms = slot.active!.job.req.timeoutMs + this.options.graceMs;
    this.#fail(slot, { status: 'timeout', message: `the sandbox did not answer within ${ms} ms (it hung outside the run's time limit); it was stopped` });
  }

  /** The process is no good for this run (or any other): answer the run, kill it, go on. */
  #fail(slot: Slot, failure: Failure): void {
    if (slot.active !== undefined) this.#killed += 1;
    this.#finish(slot, answer(failure));
    this.#retire(slot);
    this.#pump();
  }

  #onGone(slot: Slot, failure: Failure): void {
    if (slot.active !== undefined) this.#killed += 1;
    this.#finish(slot, answer(failure));
    this.#forget(slot);
    this.#pump();
  }

  #finish(slot: Slot, res: SandboxResponse): void {
    const a = slot.active;
    if (a === undefined) return;
    slot.active = undefined;
    clearTimeout(a.timer);
    const n = (this.#running.get(a.job.owner) ?? 1) - 1;
    if (n <= 0) this.#running.delete(a.job.owner);
    else this.#running.set(a.job.owner, n);
    a.job.resolve(res);
  }

  /** Idle: does not keep the host process alive, ends after `idleMs` unused. */
  #park(slot: Slot, timed: boolean): void {
    if (slot.gone) return;
    this.#idle.push(slot);
    slot.proc.unref();
    slot.proc.channel?.unref();
    if (timed) slot.idleTimer = setTimeout(() => this.#retire(slot), this.options.idleMs).unref();
  }

  #unpark(slot: Slot): void {
    const i = this.#idle.indexOf(slot);
    if (i >= 0) this.#idle.splice(i, 1);
    clearTimeout(slot.idleTimer);
    slot.proc.ref();
    slot.proc.channel?.ref();
  }

  #retire(slot: Slot): void {
    this.#forget(slot);
    if (slot.proc.exitCode === null && slot.proc.signalCode === null) slot.proc.kill('SIGKILL');
  }

  #forget(slot: Slot): void {
    slot.gone = true;
    clearTimeout(slot.idleTimer);
    this.#slots.delete(slot);
    const i = this.#idle.indexOf(slot);
    if (i >= 0) this.#idle.splice(i, 1);
  }
}
