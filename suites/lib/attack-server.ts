/**
 * The issuer as a verifier sees it, on loopback: discovery and JWKS
 * (`/.well-known/jwks` and `/.well-known/jwks.json`, the docs use both) with
 * the keys the suite signs with, plus the attacker's JWKS for `jku`/`x5u`
 * attacks, whose every fetch is counted (a verifier that fetches a
 * token-supplied URL is open to SSRF even if it then rejects).
 *
 * Two kinds of key set:
 * - the root set at `/.well-known/…`: the fixed stable key (attack-fixed-keys.ts)
 *   plus whatever rotation keys the key-rotation check has published. A deployed
 *   API is configured with this URL once and caches what it fetched, so the root
 *   set changes only in that check, which then waits out the declared refresh bound.
 *   On a fixed port it is served once for every lane of the run (attack-shared-root.ts);
 * - epochs at `/e/<n>/.well-known/…`: a key set of its own per stateful sequence,
 *   for verifiers the suite hands a URL per request (in-process ones). A new URL is a
 *   new cache in the verifier, so key changes in one sequence cannot leak into the next.
 * Both also publish the weak 1024-bit key and the EC/Ed25519 keys the attacks use.
 */
import type { Server } from 'node:http';
import type { Jwk, Jwks } from '../../adapters/types.js';
import { closeServer, listenLoopback } from '../../adapters/verifiers/http.js';
import { attackerKey, foreignKeys, noAlgKey, stableKey, weakKey, type SuiteKey } from './attack-keys.js';
import { SharedRoot } from './attack-shared-root.js';

/** Keys published in every set beside its signing keys (the RS256 key without an alg member first). */
export function extraKeys(): SuiteKey[] {
  return [noAlgKey(), weakKey(), ...foreignKeys()];
}

export type { KeySet } from './attack-key-set.js';
import type { KeySet } from './attack-key-set.js';

/** Puts the served keys (signing keys, then the extra keys) in another order. */
export type Arrange = (keys: Jwk[]) => Jwk[];

class Epoch implements KeySet {
  hits = 0;
  #keys: SuiteKey[];
  constructor(
    readonly baseUrl: string,
    public issuer: string,
    keys: SuiteKey[],
    readonly arrange: Arrange = (k) => k,
  ) {
    this.#keys = keys;
  }
  get signing(): readonly SuiteKey[] {
    return this.#keys;
  }
  async publish(keys: SuiteKey[]): Promise<void> {
    this.#keys = [...keys];
  }
  jwks(): Jwks {
    return { keys: this.arrange([...this.#keys, ...extraKeys()].map((k) => ({ ...k.publicJwk }))) };
  }
}

class RootSet implements KeySet {
  hits = 0;
  issuer = 'https://unset.kinde.com';
  #rotation: SuiteKey[] = [];
  constructor(readonly baseUrl: string) {}
  get signing(): readonly SuiteKey[] {
    return [stableKey(), ...this.#rotation];
  }
  async publish(keys: SuiteKey[]): Promise<void> {
    this.#rotation = keys.filter((k) => k.kid !== stableKey().kid);
  }
  jwks(): Jwks {
    return { keys: [...this.signing, ...extraKeys()].map((k) => ({ ...k.publicJwk })) };
  }
}

const MAX_EPOCHS = 256;

export class IssuerMirror {
  readonly url: string;
  /** The root set: served here, or on the fixed port the verifier was configured with. */
  root: KeySet;
  #shared?: SharedRoot;
  readonly #server: Server;
  readonly #epochs = new Map<string, Epoch>();
  #nextEpoch = 0;
  /** Requests for the attacker's URLs. */
  attackerHits = 0;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
    this.root = new RootSet(url);
  }

  /**
   * The attacker's endpoints and the epochs are this lane's own (port 0), so fetches of a
   * token-supplied URL are counted where the attack was made; the root set moves to
   * `rootPort` when the verifier was told a fixed JWKS URL.
   */
  static async start(rootPort = 0): Promise<IssuerMirror> {
    let mirror: IssuerMirror | undefined;
    const { server, url } = await listenLoopback((req, res) => {
      if (!mirror) return void res.writeHead(503).end();
      const [status, body] = mirror.#handle(req.url ?? '/');
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    });
    mirror = new IssuerMirror(server, url);
    if (rootPort !== 0) mirror.root = mirror.#shared = await SharedRoot.open(rootPort, extraKeys);
    return mirror;
  }

  /** Issuer named by the root discovery document; the suite sets it per generated tenant. */
  get issuer(): string {
    return this.root.issuer;
  }
  set issuer(v: string) {
    this.root.issuer = v;
  }

  get attackerJwksUrl(): string {
    return `${this.url}/attacker/jwks.json`;
  }
  get attackerX5uUrl(): string {
    return `${this.url}/attacker/x5u.pem`;
  }

  /** A fresh key set under a URL of its own, its keys served in the order `arrange` gives. */
  epoch(issuer: string, keys: SuiteKey[], arrange?: Arrange): KeySet {
    const id = String(this.#nextEpoch++);
    const e = new Epoch(`${this.url}/e/${id}`, issuer, keys, arrange);
    this.#epochs.set(id, e);
    if (this.#epochs.size > MAX_EPOCHS) this.#epochs.delete(this.#epochs.keys().next().value!);
    return e;
  }

  #handle(rawUrl: string): [number, unknown] {
    const path = new URL(rawUrl, 'http://x').pathname;
    if (path === '/attacker/jwks.json' || path === '/attacker/x5u.pem') {
      this.attackerHits += 1;
      return [200, { keys: [attackerKey().publicJwk] }];
    }
    const m = /^(?:\/e\/(\d+))?(\/\.well-known\/[a-z-.]+)$/.exec(path);
    const set: KeySet | undefined = m ? (m[1] === undefined ? (this.#shared ? undefined : this.root) : this.#epochs.get(m[1])) : undefined;
    if (!set) return [404, { error: 'not found' }];
    switch (m![2]) {
      case '/.well-known/jwks':
      case '/.well-known/jwks.json':
        set.hits += 1;
        return [200, set.jwks()];
      case '/.well-known/openid-configuration':
        return [200, { issuer: set.issuer, jwks_uri: `${set.baseUrl}/.well-known/jwks`, id_token_signing_alg_values_supported: ['RS256'] }];
      default:
        return [404, { error: 'not found' }];
    }
  }

  async stop(): Promise<void> {
    await this.#shared?.stop();
    await closeServer(this.#server);
  }
}

const mirrors = new Map<number, Promise<IssuerMirror>>();

/**
 * One mirror per port and process, started on first use (the check framework has no
 * per-suite hooks). A deployed API was told one JWKS URL, so every check of a run shares it.
 */
export function mirrorFor(port = 0): Promise<IssuerMirror> {
  let m = mirrors.get(port);
  if (!m) {
    m = IssuerMirror.start(port);
    mirrors.set(port, m);
    m.catch(() => mirrors.delete(port));
  }
  return m;
}
