/**
 * The sessions of one reference server: isolated environments, bounded in
 * number, each deleted once it has been idle for `idleMs` (looked for every
 * `sweepIntervalMs`, and before a new session is refused for lack of room).
 * Ending a session drops its issuer with everything it holds (tenant, keys,
 * workflows, codes, refresh tokens), so memory returns to where it was.
 */
import { randomBytes } from 'node:crypto';
import type { Environment } from './environment.js';
import { HttpError } from './http-io.js';

export interface SessionStoreOptions {
  maxSessions: number;
  idleMs: number;
  sweepIntervalMs: number;
  /** Milliseconds; the store's notion of "now" (tests pass a controllable one). */
  now: () => number;
}

export class SessionStore {
  readonly #sessions = new Map<string, Environment>();
  readonly #options: SessionStoreOptions;
  readonly #timer: NodeJS.Timeout;
  /** Creations under way (key generation is asynchronous): they count against the limit. */
  #creating = 0;

  constructor(options: SessionStoreOptions) {
    this.#options = options;
    this.#timer = setInterval(() => this.sweep(), options.sweepIntervalMs).unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  values(): IterableIterator<Environment> {
    return this.#sessions.values();
  }

  /** The session, marked as used now; undefined when unknown, deleted or expired. */
  get(id: string): Environment | undefined {
    const env = this.#sessions.get(id);
    if (env === undefined) return undefined;
    if (this.#idle(env)) {
      this.#sessions.delete(id);
      return undefined;
    }
    env.lastUsed = this.#options.now();
    return env;
  }

  /** A new session; `429 too_many_sessions` when all places are taken by sessions in use. */
  async create(make: (id: string) => Promise<Environment>): Promise<{ id: string; env: Environment }> {
    const { maxSessions } = this.#options;
    if (this.#sessions.size + this.#creating >= maxSessions) this.sweep();
    if (this.#sessions.size + this.#creating >= maxSessions) {
      throw new HttpError(429, 'too_many_sessions', `at most ${maxSessions} sessions at once; DELETE finished ones (idle ones end after ${Math.round(this.#options.idleMs / 1000)} s)`);
    }
    this.#creating += 1;
    try {
      const id = randomBytes(9).toString('base64url');
      const env = await make(id);
      env.lastUsed = this.#options.now();
      this.#sessions.set(id, env);
      return { id, env };
    } finally {
      this.#creating -= 1;
    }
  }

  delete(id: string): boolean {
    return this.#sessions.delete(id);
  }

  /** Deletes every idle session; returns how many. */
  sweep(): number {
    let n = 0;
    for (const [id, env] of this.#sessions) {
      if (this.#idle(env)) {
        this.#sessions.delete(id);
        n += 1;
      }
    }
    return n;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#sessions.clear();
  }

  #idle(env: Environment): boolean {
    return this.#options.now() - env.lastUsed > this.#options.idleMs;
  }
}
