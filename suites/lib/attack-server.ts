/**
 * The issuer as a verifier sees it, on loopback: discovery and JWKS
 * (`/.well-known/jwks` and `/.well-known/jwks.json`, the docs use both)
 * mirrored live from the issuer target, plus the attacker's JWKS for
 * `jku`/`x5u` attacks, whose every fetch is counted (a verifier that fetches a
 * token-supplied URL is open to SSRF even if it then rejects).
 */
import type { Server } from 'node:http';
import type { Adapter, Jwk, Jwks } from '../../adapters/types.js';
import { ReferenceAdapter } from '../../adapters/reference.js';
import { closeServer, listenLoopback } from '../../adapters/verifiers/http.js';
import { attackerKey, suiteKey, weakKey } from './attack-keys.js';

export class IssuerMirror {
  readonly url: string;
  readonly #server: Server;
  readonly #adapter: Adapter;
  /** Issuer named by the discovery document; the suite sets it per generated tenant. */
  issuer = 'https://unset.kinde.com';
  /** Requests for the attacker's URLs. */
  attackerHits = 0;
  jwksHits = 0;

  private constructor(server: Server, url: string, adapter: Adapter) {
    this.#server = server;
    this.url = url;
    this.#adapter = adapter;
  }

  static async start(adapter: Adapter, port = 0): Promise<IssuerMirror> {
    let mirror: IssuerMirror | undefined;
    const { server, url } = await listenLoopback((req, res) => {
      if (!mirror) return void res.writeHead(503).end();
      mirror.#handle(req.url ?? '/').then(
        ([status, body]) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body)),
        () => res.writeHead(500).end(),
      );
    }, port);
    mirror = new IssuerMirror(server, url, adapter);
    return mirror;
  }

  get attackerJwksUrl(): string {
    return `${this.url}/attacker/jwks.json`;
  }
  get attackerX5uUrl(): string {
    return `${this.url}/attacker/x5u.pem`;
  }

  /** Keys published beyond the issuer's own: the weak 1024-bit key, and the suite key for non-reference issuers. */
  extraKeys(): Jwk[] {
    const extra = [weakKey().publicJwk];
    if (!(this.#adapter instanceof ReferenceAdapter)) extra.push(suiteKey().publicJwk);
    return extra;
  }

  async jwks(): Promise<Jwks> {
    const own = await this.#adapter.jwks();
    return { keys: [...own.keys, ...this.extraKeys()] };
  }

  async #handle(rawUrl: string): Promise<[number, unknown]> {
    const path = new URL(rawUrl, 'http://x').pathname;
    switch (path) {
      case '/.well-known/jwks':
      case '/.well-known/jwks.json':
        this.jwksHits += 1;
        return [200, await this.jwks()];
      case '/.well-known/openid-configuration':
        return [200, { issuer: this.issuer, jwks_uri: `${this.url}/.well-known/jwks`, id_token_signing_alg_values_supported: ['RS256'] }];
      case '/attacker/jwks.json':
      case '/attacker/x5u.pem':
        this.attackerHits += 1;
        return [200, { keys: [attackerKey().publicJwk] }];
      default:
        return [404, { error: 'not found' }];
    }
  }

  stop(): Promise<void> {
    return closeServer(this.#server);
  }
}

const mirrors = new WeakMap<Adapter, Promise<IssuerMirror>>();

/** One mirror per issuer target, started on first use (the check framework has no per-suite hooks). */
export function mirrorFor(adapter: Adapter, port = 0): Promise<IssuerMirror> {
  let m = mirrors.get(adapter);
  if (!m) {
    m = IssuerMirror.start(adapter, port);
    mirrors.set(adapter, m);
  }
  return m;
}
