/**
 * The `http` target: any issuer speaking target protocol v1
 * (docs/target-protocol.md) at `--target-url`. Tokens come from the target's
 * real OAuth token endpoint (found through discovery); the `/_conformance/v1`
 * control surface does what OAuth does not standardize (tenant, workflows,
 * completed sign-ins, clock, key rotation).
 *
 * OAuth refusals are results (`{ ok: false }`), as with the in-process
 * reference. A broken or unreachable target is an {@link AdapterError}:
 * ERR_TARGET_UNREACHABLE, ERR_TARGET_TIMEOUT or ERR_TARGET_PROTOCOL, each
 * naming the endpoint.
 */
import { protocolErrors, SUPPORTED_PROTOCOLS, type ProtocolMessage } from '../schemas/protocol/validate.js';
import { revocationEndpoint, revokeAnswer, revokeForm } from './http/revoke.js';
import { capabilitiesOf, type Handshake } from './http/handshake.js';
import { resolveSurface, surfaceAnswer } from './http/surface.js';
import { exchange, mediaType, parseJson, type Answer, type Outgoing } from './http/transport.js';
import {
  AdapterError,
  type Adapter,
  type AuthorizeRequest,
  type AuthorizeResult,
  type Capabilities,
  type ClientCredentialsRequest,
  type CodeExchangeRequest,
  type DeployedWorkflow,
  type HttpGetAnswer,
  issuerOf,
  type Jwks,
  type RefreshRequest,
  type RevokeRequest,
  type RevokeResult,
  type SignInRequest,
  type TargetInfo,
  type Tenant,
  type TokenResult,
  type TokenSet,
  type WorkflowFixtureSet,
} from './types.js';
import { clientCredentialsForm, codeExchangeForm, DEFAULT_REDIRECT_URI, refreshForm, signInThroughCode } from './oauth-forms.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
/** Where completed sign-ins "return to"; bound to the code like a browser flow would. */
export const SIGN_IN_REDIRECT_URI = DEFAULT_REDIRECT_URI;

export interface HttpAdapterOptions {
  /** Base URL of the target, e.g. `http://127.0.0.1:8787`. */
  targetUrl: string;
  /** Per-call budget (connect + headers + body), ms. Default 10 s. */
  timeoutMs?: number;
  /** Validate every request and response against schemas/protocol, and exact status codes. */
  validateProtocol?: boolean;
  /** Response bodies beyond this are a protocol error. Default 2 MiB. */
  maxResponseBytes?: number;
}

interface Endpoints {
  /** Base of the environment in use (the root or a session), no trailing slash. */
  base: string;
  token: string;
  jwks: string;
  /** Discovery's revocation_endpoint, else `<base>/oauth2/revoke`. */
  revocation: string;
  /** Set when a session was created, for deletion at stop(). */
  sessionId?: string;
}

export class HttpAdapter implements Adapter {
  readonly name = 'http';
  readonly #root: string;
  readonly #timeoutMs: number;
  readonly #validate: boolean;
  readonly #maxBytes: number;
  #endpoints?: Endpoints;
  #capabilities?: Capabilities;
  /** The last provisioned tenant: confidential clients authenticate with its secrets. */
  #tenant?: Tenant;

  constructor(options: HttpAdapterOptions) {
    let url: URL;
    try {
      url = new URL(options.targetUrl);
    } catch {
      throw new AdapterError('ERR_UNKNOWN_TARGET', `--target-url ${JSON.stringify(options.targetUrl)} is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AdapterError('ERR_UNKNOWN_TARGET', `--target-url must be an http(s) URL, got ${JSON.stringify(options.targetUrl)}`);
    }
    if (url.search !== '' || url.hash !== '') {
      throw new AdapterError('ERR_UNKNOWN_TARGET', `--target-url must not carry a query or fragment: ${JSON.stringify(options.targetUrl)}`);
    }
    this.#root = url.toString().replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#validate = options.validateProtocol ?? false;
    this.#maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  get #env(): Endpoints {
    if (!this.#endpoints) throw new AdapterError('ERR_TARGET_PROTOCOL', 'http target: start() was not called');
    return this.#endpoints;
  }

  /**
   * Handshake (version negotiation, capabilities), an isolated session when
   * the target offers them, then discovery for the token endpoint and JWKS.
   */
  async start(): Promise<TargetInfo> {
    const { handshake, info } = await this.#handshake();

    let base = this.#root;
    let sessionId: string | undefined;
    if (handshake.sessions === true) {
      const s = await this.#send({ method: 'POST', url: `${this.#root}/_conformance/v1/sessions`, json: {}, repeatable: true });
      const session = this.#json(s, [201], 'session', { always: true }) as { id: string; baseUrl: string };
      base = session.baseUrl.replace(/\/+$/, '');
      sessionId = session.id;
    }
    const d = await this.#send({ method: 'GET', url: `${base}/.well-known/openid-configuration` });
    // Only what the suite needs to go on; the document itself is judged by DISC-REQUIRED-MEMBERS, a verdict, not an error.
    this.#status(d, [200]);
    const discovery = parseJson(d) as { token_endpoint?: unknown; jwks_uri?: unknown } | null;
    if (typeof discovery?.token_endpoint !== 'string' || typeof discovery.jwks_uri !== 'string') {
      throw new AdapterError('ERR_TARGET_PROTOCOL', `${d.what}: the discovery document has no token_endpoint or jwks_uri string`);
    }
    this.#endpoints = { base, token: discovery.token_endpoint, jwks: discovery.jwks_uri, revocation: revocationEndpoint(discovery, base), ...(sessionId !== undefined ? { sessionId } : {}) };
    return info;
  }

  /**
   * The handshake alone, without creating a session: lets a launcher fail fast
   * on a dead or incompatible target, and learn whether the target isolates
   * parallel workers (`sessions`) or must be run with one worker.
   */
  async probe(): Promise<{ info: TargetInfo; sessions: boolean }> {
    const { handshake, info } = await this.#handshake();
    return { info, sessions: handshake.sessions === true };
  }

  async #handshake(): Promise<{ handshake: Handshake; info: TargetInfo }> {
    const hs = await this.#send({ method: 'GET', url: `${this.#root}/_conformance/v1/handshake` });
    if (hs.status === 404) {
      throw new AdapterError('ERR_TARGET_PROTOCOL', `${hs.what}: 404; ${this.#root} is not a conformance target (protocol v1 has its handshake here)`);
    }
    const handshake = this.#json(hs, [200], 'handshake', { always: true, versionFirst: true }) as Handshake;
    this.#capabilities = capabilitiesOf(handshake);
    const info: TargetInfo = {
      name: handshake.implementation.name,
      version: handshake.implementation.version,
      capabilities: this.#capabilities,
    };
    if (handshake.refreshOverlapSeconds !== undefined) info.refreshOverlapSeconds = handshake.refreshOverlapSeconds;
    return { handshake, info };
  }

  async provision(tenant: Tenant): Promise<void> {
    const a = await this.#control('PUT', 'tenant', tenant, 'tenant');
    this.#expectEmpty(a, 204);
    this.#tenant = structuredClone(tenant);
  }

  /** Fixtures go only to a protocol 1.1 target declaring workflowFixtures; to any other, asking is an error (never dropped silently). */
  async deployWorkflow(source: string, fixtures?: WorkflowFixtureSet): Promise<DeployedWorkflow> {
    if (fixtures !== undefined) this.#need('workflowFixtures');
    const a = await this.#control('POST', 'workflows', fixtures !== undefined ? { source, fixtures } : { source }, 'workflow-request');
    if (a.status === 422) {
      throw new AdapterError('ERR_WORKFLOW_BUILD', `${a.what}: the workflow does not build: ${this.#reason(a)}`);
    }
    const body = this.#json(a, [201], 'workflow-response') as DeployedWorkflow;
    return { id: body.id, trigger: body.trigger };
  }

  async removeWorkflow(id: string): Promise<void> {
    const a = await this.#control('DELETE', `workflows/${encodeURIComponent(id)}`);
    this.#expectEmpty(a, 204);
  }

  /** Through the code, bound like a browser flow: PKCE S256 and the suite's redirect URI. */
  signIn(request: SignInRequest): Promise<TokenResult> {
    return signInThroughCode(this, request, this.#tenant, SIGN_IN_REDIRECT_URI);
  }

  /** `POST /_conformance/v1/sign-in` with the bindings asked (protocol §6.4); the code is not exchanged. */
  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const body: Record<string, unknown> = { clientId: request.clientId, userId: request.userId, scopes: request.scopes, audience: request.audience };
    if (request.orgCode !== undefined) body.orgCode = request.orgCode;
    const redirectUri = request.redirectUri ?? SIGN_IN_REDIRECT_URI;
    body.redirectUri = redirectUri;
    if (request.codeChallenge !== undefined) Object.assign(body, { codeChallenge: request.codeChallenge, codeChallengeMethod: 'S256' });
    const a = await this.#control('POST', 'sign-in', body, 'sign-in-request');
    if (a.status >= 400 && a.status < 500) return this.#refusal(a) as AuthorizeResult;
    const { code } = this.#json(a, [200], 'sign-in-response') as { code: string };
    return { ok: true, code, redirectUri };
  }

  exchangeCode(request: CodeExchangeRequest): Promise<TokenResult> {
    return this.#token(codeExchangeForm(request));
  }

  tokenRequest(fields: Record<string, string>): Promise<TokenResult> {
    return this.#token(new URLSearchParams(fields));
  }

  refresh(request: RefreshRequest): Promise<TokenResult> {
    return this.#token(refreshForm(request));
  }

  clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult> {
    return this.#token(clientCredentialsForm(request));
  }

  async jwks(): Promise<Jwks> {
    const a = await this.#send({ method: 'GET', url: this.#env.jwks });
    const body = this.#json(a, [200], 'jwks');
    if (!this.#validate) this.#structural('jwks', body, a);
    return body as Jwks;
  }

  async httpGet(ref: string): Promise<HttpGetAnswer | null> {
    const url = resolveSurface(ref, this.#env.base, this.#tenant ? issuerOf(this.#tenant) : undefined);
    if (url === null) return null;
    const a = await this.#send({ method: 'GET', url });
    return surfaceAnswer(url, a.status, a.headers, a.text);
  }

  async revoke(request: RevokeRequest): Promise<RevokeResult> {
    this.#need('revocation');
    return revokeAnswer(await this.#send({ method: 'POST', url: this.#env.revocation, form: revokeForm(request) }));
  }

  async advanceClock(seconds: number): Promise<void> {
    await this.#advance(seconds);
  }

  /** The protocol answers every clock move with the target's time: a move by 0 s reads it. */
  async clockNow(): Promise<number> {
    return this.#advance(0);
  }

  async #advance(seconds: number): Promise<number> {
    this.#need('clock');
    const a = await this.#control('POST', 'clock/advance', { seconds: Math.floor(seconds) }, 'clock-request');
    return (this.#json(a, [200], 'clock-response') as { now: number }).now;
  }

  async rotateKeys(): Promise<void> {
    this.#need('keyRotation');
    const a = await this.#control('POST', 'keys/rotate', {});
    this.#expectEmpty(a, 204);
  }

  /** Best effort: a session left behind expires on the target anyway. */
  async stop(): Promise<void> {
    const id = this.#endpoints?.sessionId;
    this.#endpoints = undefined;
    this.#tenant = undefined;
    if (id === undefined) return;
    await exchange(
      { method: 'DELETE', url: `${this.#root}/_conformance/v1/sessions/${encodeURIComponent(id)}` },
      { timeoutMs: Math.min(this.#timeoutMs, 2_000), maxResponseBytes: this.#maxBytes },
    ).catch(() => {});
  }

  // ---------------------------------------------------------------------------

  #send(out: Outgoing): Promise<Answer> {
    return exchange(out, { timeoutMs: this.#timeoutMs, maxResponseBytes: this.#maxBytes });
  }

  /** A control-surface call; the request body is checked against its schema with --validate-protocol. */
  async #control(method: Outgoing['method'], path: string, json?: unknown, schema?: ProtocolMessage): Promise<Answer> {
    const url = `${this.#env.base}/_conformance/v1/${path}`;
    if (this.#validate && schema && json !== undefined) this.#checkRequest(schema, json, `${method} ${url}`);
    // A repeated sign-in only mints an unused code; a repeated deploy replaces the workflow by id.
    const repeatable = method !== 'POST' || path === 'sign-in' || path === 'workflows';
    const a = await this.#send({ method, url, repeatable, ...(json !== undefined ? { json } : {}) });
    if (a.status === 404 && !(method === 'DELETE' && path.startsWith('workflows/'))) {
      throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: 404, the target does not implement this endpoint (${this.#reason(a)})`);
    }
    return a;
  }

  async #token(form: URLSearchParams): Promise<TokenResult> {
    const url = this.#env.token;
    if (this.#validate) {
      const fields: Record<string, unknown> = {};
      for (const [k, v] of form) if (k !== 'audience') fields[k] = v;
      if (form.has('audience')) fields.audience = form.getAll('audience');
      this.#checkRequest('token-request', fields, `POST ${url}`);
    }
    const a = await this.#send({ method: 'POST', url, form });
    if (a.status >= 400 && a.status < 500) return this.#refusal(a);
    // The Content-Type of token answers is a verdict (RESP-JSON), not a protocol error: the body is read as JSON either way.
    const body = this.#json(a, [200], 'token-response', { typeJudged: true });
    if (!this.#validate) this.#structural('token-response', body, a);
    return { ok: true, status: a.status, body: body as TokenSet, headers: a.headers };
  }

  /** An OAuth error answer (RFC 6749 5.2) as a refused TokenResult. */
  #refusal(a: Answer): TokenResult {
    const body = parseJson(a);
    const errors = protocolErrors('error', body);
    if (errors.length > 0) {
      throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: HTTP ${a.status} without an OAuth error body: ${errors.join('; ')}`);
    }
    const { error, error_description } = body as { error: string; error_description?: string };
    return { ok: false, status: a.status, error, ...(error_description !== undefined ? { errorDescription: error_description } : {}), headers: a.headers };
  }

  /**
   * The JSON body of an expected answer. 5xx, unexpected statuses and
   * (always for start-up exchanges, otherwise with --validate-protocol)
   * schema violations are protocol errors naming the field.
   */
  #json(a: Answer, statuses: number[], schema: ProtocolMessage, opts: { always?: boolean; versionFirst?: boolean; typeJudged?: boolean } = {}): unknown {
    this.#status(a, statuses);
    const body = parseJson(a);
    if (opts.versionFirst) this.#checkVersion(body, a);
    if (this.#validate || opts.always) {
      if (this.#validate && !opts.typeJudged) this.#checkJsonType(a);
      const errors = protocolErrors(schema, body);
      if (errors.length > 0) throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: response violates the ${schema} schema: ${errors.slice(0, 5).join('; ')}`);
    }
    return body;
  }

  /** Version negotiation: refuse a target speaking a protocol this suite does not know, before anything else. */
  #checkVersion(body: unknown, a: Answer): void {
    const protocol = (body as { protocol?: unknown } | null)?.protocol;
    if (typeof protocol === 'number' && !SUPPORTED_PROTOCOLS.includes(protocol)) {
      throw new AdapterError(
        'ERR_TARGET_PROTOCOL',
        `${a.what}: the target speaks target protocol ${protocol}; this suite supports ${SUPPORTED_PROTOCOLS.join(', ')}. ` +
          'Run a suite version that supports it, or start the target in protocol 1 mode.',
      );
    }
  }

  /** Without --validate-protocol: only what the suite needs in order to go on. */
  #structural(schema: 'jwks' | 'token-response', body: unknown, a: Answer): void {
    const errors = protocolErrors(schema, body);
    if (errors.length > 0) throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: ${errors.join('; ')}`);
  }

  #status(a: Answer, statuses: number[]): void {
    const ok = this.#validate ? statuses.includes(a.status) : a.status >= 200 && a.status < 300;
    if (ok) return;
    if (a.status >= 300 && a.status < 400) throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: unexpected redirect (HTTP ${a.status})`);
    if (a.status >= 400 && a.status < 500) {
      throw new AdapterError('ERR_TARGET_REJECTED', `${a.what}: refused with HTTP ${a.status}: ${this.#reason(a)}`);
    }
    throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: HTTP ${a.status}${a.status >= 500 ? ' (target error)' : ''}, expected ${statuses.join(' or ')}: ${this.#reason(a)}`);
  }

  #expectEmpty(a: Answer, status: number): void {
    this.#status(a, [status]);
  }

  #checkJsonType(a: Answer): void {
    const t = mediaType(a);
    if (t !== 'application/json' && !t.endsWith('+json')) {
      throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: Content-Type ${JSON.stringify(a.contentType || '(none)')}, expected application/json`);
    }
  }

  #checkRequest(schema: ProtocolMessage, body: unknown, what: string): void {
    const errors = protocolErrors(schema, body);
    if (errors.length > 0) {
      throw new AdapterError('ERR_TARGET_PROTOCOL', `${what}: the suite's own request violates the ${schema} schema (a suite bug): ${errors.join('; ')}`);
    }
  }

  /** `error: error_description` of an error answer, or the start of its body. */
  #reason(a: Answer): string {
    try {
      const b = JSON.parse(a.text) as { error?: unknown; error_description?: unknown };
      if (typeof b?.error === 'string') return typeof b.error_description === 'string' ? `${b.error}: ${b.error_description}` : b.error;
    } catch {
      // not JSON: quote it
    }
    return JSON.stringify(a.text.slice(0, 200));
  }

  #need(capability: keyof Capabilities): void {
    if (!this.#capabilities?.[capability]) {
      throw new AdapterError('ERR_TARGET_PROTOCOL', `http target: ${capability} was called but the target does not declare the capability`);
    }
  }
}
