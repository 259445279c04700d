/**
 * The docs' org-enforcement middleware ("Enforce org access in your API using
 * M2M tokens"), run for real: `jsonwebtoken` with `algorithms: ["RS256"]`,
 * the key picked by kid through `jwks-rsa` (as the docs' device-flow snippet
 * does with `client.getSigningKey(header.kid, …)`), mounted on
 * `GET /orgs/:org_code/users` of a loopback node:http server (express is not
 * needed for one route). Beyond the example it also passes `issuer` and
 * `audience`, which the "Verifying JSON Web Tokens" page asks for; a failed
 * verification answers 401 where the example would throw.
 */
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import jwt from 'jsonwebtoken';
import jwksRsa from 'jwks-rsa';
import { AdapterError } from '../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../verifier-types.js';
import { closeServer, listenLoopback, presentBearer, routeFor } from './http.js';
import { libraryVersion } from './versions.js';

type Config = Pick<VerificationContext, 'issuer' | 'audience' | 'issuerBaseUrl'>;

export class JsonwebtokenExpressVerifier implements VerifierAdapter {
  readonly name = 'jsonwebtoken-express';
  readonly #timeoutMs: number;
  readonly #clients = new Map<string, jwksRsa.JwksClient>();
  #server?: Server;
  #url?: string;
  /** The API's configuration; the suite changes it between requests (one request at a time). */
  #config?: Config;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async start(): Promise<VerifierInfo> {
    const { server, url } = await listenLoopback((req, res) => this.#route(req, res));
    this.#server = server;
    this.#url = url;
    return {
      name: this.name,
      version: `jsonwebtoken ${libraryVersion('jsonwebtoken')} + jwks-rsa ${libraryVersion('jwks-rsa')}`,
      capabilities: { remoteJwks: true, orgEnforcement: true, audience: true, tokenType: true, httpRequest: true },
      jwksRefreshMs: 0,
    };
  }

  #client(): jwksRsa.JwksClient {
    const uri = `${this.#config!.issuerBaseUrl}/.well-known/jwks.json`;
    let c = this.#clients.get(uri);
    if (!c) {
      // jwks-rsa defaults (cache on, 10 min max age, no rate limit), as its README's basic setup.
      c = jwksRsa({ jwksUri: uri, timeout: this.#timeoutMs });
      this.#clients.set(uri, c);
    }
    return c;
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    };
    const m = /^\/orgs\/([^/]*)\/users$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m) return send(404, 'Not found');
    const params = { org_code: decodeURIComponent(m[1]!) };
    this.#verifyOrgAccess(req, params, send).catch(() => send(500, 'Internal error'));
  }

  /** The docs' `verifyOrgAccess`, statement for statement. */
  async #verifyOrgAccess(req: IncomingMessage, params: { org_code: string }, send: (s: number, b: string) => void): Promise<void> {
    const authHeader = req.headers.authorization;
    const token = authHeader?.split(' ')[1];
    if (!token) return send(401, 'Missing token');
    const config = this.#config!;
    const client = this.#client();
    const getKey: jwt.GetPublicKeyOrSecret = (header, callback) => {
      client.getSigningKey(header.kid, (err, key) => callback(err, key?.getPublicKey()));
    };
    const decoded = await new Promise<jwt.JwtPayload | string | undefined>((resolve) =>
      jwt.verify(token, getKey, { algorithms: ['RS256'], issuer: config.issuer, audience: config.audience }, (err, d) => resolve(err ? undefined : d)),
    );
    if (decoded === undefined) return send(401, 'Invalid token');
    // Check for required claims
    if (typeof decoded === 'string' || !decoded?.org_code) return send(403, 'Token not scoped to an organization');
    const orgFromRoute = params.org_code;
    if (decoded.org_code !== orgFromRoute) return send(403, 'Token does not match organization');
    send(200, JSON.stringify({ users: [] }));
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    if (!this.#url) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name}: start() was not called`);
    if (!context.issuerBaseUrl) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name} needs issuerBaseUrl (remote JWKS)`);
    this.#config = { issuer: context.issuer, audience: context.audience, issuerBaseUrl: context.issuerBaseUrl };
    return presentBearer(`${this.#url}${routeFor('/orgs/:org_code/users', context.orgCode)}`, token, this.#timeoutMs, context.request);
  }

  async stop(): Promise<void> {
    await closeServer(this.#server);
    this.#server = undefined;
    this.#clients.clear();
  }
}
