/**
 * The root JWKS on a fixed loopback port (`--verifier=http-api`: the deployed
 * API was told one JWKS URL), shared by every lane of a run. The runner runs
 * checks in worker threads, each with modules of its own, and only one of them
 * can bind the port: it serves; the others follow. Whatever a lane publishes
 * (the rotation keys of the key-rotation check, the discovery issuer) goes to
 * every lane over a BroadcastChannel, and `publish` returns only once the
 * served JWKS shows it, read back over HTTP: a JWKS served by someone else
 * (another run on the same port) is an error naming the port, never a silent
 * wrong answer.
 */
import type { Server } from 'node:http';
import { BroadcastChannel } from 'node:worker_threads';
import type { Jwk, Jwks } from '../../adapters/types.js';
import { closeServer, listenLoopback } from '../../adapters/verifiers/http.js';
import { stableKey, type SuiteKey } from './attack-keys.js';
import type { KeySet } from './attack-key-set.js';

interface Update {
  issuer?: string;
  /** Public JWKs of the rotation keys published beside the stable key. */
  rotation?: Jwk[];
}

const CONFIRM_MS = 3_000;

export class SharedRoot implements KeySet {
  readonly baseUrl: string;
  hits = 0;
  #issuer = 'https://unset.kinde.com';
  /** Rotation keys this lane signs with (private keys stay in the lane that made them). */
  #own: SuiteKey[] = [];
  /** Rotation keys published by any lane, as served. */
  #rotation: Jwk[] = [];
  readonly #extra: () => SuiteKey[];
  readonly #channel: BroadcastChannel;
  #server?: Server;

  private constructor(port: number, extra: () => SuiteKey[]) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.#extra = extra;
    this.#channel = new BroadcastChannel(`ktc-verifier-jwks-${port}`);
    this.#channel.unref();
    this.#channel.onmessage = (e: unknown) => this.#apply((e as { data: Update }).data);
  }

  /** Serve the port if it is free, else follow the lane that serves it. */
  static async open(port: number, extra: () => SuiteKey[]): Promise<SharedRoot> {
    const root = new SharedRoot(port, extra);
    try {
      const { server } = await listenLoopback((req, res) => {
        const [status, body] = root.#handle(req.url ?? '/');
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      }, port);
      root.#server = server;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    }
    return root;
  }

  get issuer(): string {
    return this.#issuer;
  }
  set issuer(v: string) {
    if (v === this.#issuer) return;
    this.#issuer = v;
    this.#channel.postMessage({ issuer: v } satisfies Update);
  }

  get signing(): readonly SuiteKey[] {
    return [stableKey(), ...this.#own];
  }

  async publish(keys: SuiteKey[]): Promise<void> {
    this.#own = keys.filter((k) => k.kid !== stableKey().kid);
    const update: Update = { rotation: this.#own.map((k) => ({ ...k.publicJwk })) };
    this.#apply(update);
    this.#channel.postMessage(update);
    await this.#confirm(new Set(update.rotation!.map((k) => k.kid!)));
  }

  jwks(): Jwks {
    return { keys: [stableKey().publicJwk, ...this.#rotation, ...this.#extra().map((k) => k.publicJwk)].map((k) => ({ ...k })) };
  }

  #apply(u: Update): void {
    if (u.issuer !== undefined) this.#issuer = u.issuer;
    if (u.rotation !== undefined) this.#rotation = u.rotation;
  }

  /** Read the served JWKS until it has exactly the published rotation kids (beside the fixed keys). */
  async #confirm(kids: Set<string>): Promise<void> {
    const fixed = new Set([stableKey().kid, ...this.#extra().map((k) => k.kid)]);
    const deadline = performance.now() + CONFIRM_MS;
    let seen = '';
    while (performance.now() < deadline) {
      try {
        const res = await fetch(`${this.baseUrl}/.well-known/jwks`, { signal: AbortSignal.timeout(1_000) });
        const served = ((await res.json()) as Jwks).keys.map((k) => k.kid!).filter((k) => !fixed.has(k));
        seen = served.join(', ');
        if (served.length === kids.size && served.every((k) => kids.has(k))) return;
      } catch (e) {
        seen = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `the JWKS on ${this.baseUrl} did not show the published keys within ${CONFIRM_MS} ms (it serves: ${seen || 'nothing'}); is another run using port ${new URL(this.baseUrl).port}?`,
    );
  }

  #handle(rawUrl: string): [number, unknown] {
    switch (new URL(rawUrl, 'http://x').pathname) {
      case '/.well-known/jwks':
      case '/.well-known/jwks.json':
        this.hits += 1;
        return [200, this.jwks()];
      case '/.well-known/openid-configuration':
        return [200, { issuer: this.#issuer, jwks_uri: `${this.baseUrl}/.well-known/jwks`, id_token_signing_alg_values_supported: ['RS256'] }];
      default:
        return [404, { error: 'not found' }];
    }
  }

  async stop(): Promise<void> {
    this.#channel.close();
    await closeServer(this.#server);
  }
}
