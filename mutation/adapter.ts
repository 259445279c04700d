/**
 * The generic defect layer: an {@link Adapter} around any issuer adapter that
 * rewrites what it returns. Every token of every successful answer is decoded,
 * edited by the operator (when it targets that token type and grant), and
 * signed again with the campaign's substitute key, whose JWKS is served in
 * place of the target's. The ID token's at_hash follows the re-signed access
 * token, so an identity operator changes nothing a requirement can see: the
 * campaign checks that first (the wrapped control).
 */
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type {
  Adapter,
  AuthorizeRequest,
  AuthorizeResult,
  ClientCredentialsRequest,
  CodeExchangeRequest,
  DeployedWorkflow,
  HttpGetAnswer,
  JsonObject,
  JsonValue,
  Jwks,
  RefreshRequest,
  SignInRequest,
  TargetInfo,
  Tenant,
  TokenResult,
  TokenType,
  WorkflowFixtureSet,
} from '../adapters/types.js';
import { AdapterError } from '../adapters/types.js';
import { signToken, type CampaignKeys, type SubstituteKey } from './jws.js';
import type { Grant, InnerCalls, Operator, TokenContext } from './types.js';

function atHash(token: string): string {
  const d = createHash('sha256').update(token, 'ascii').digest();
  return d.subarray(0, d.length / 2).toString('base64url');
}

function decode(raw: unknown): { header: JsonObject; payload: JsonObject } | undefined {
  if (typeof raw !== 'string' || raw.split('.').length !== 3) return undefined;
  try {
    // A JSON round trip keeps `__proto__` & co. as own keys and detaches the copy.
    return { header: JSON.parse(JSON.stringify(decodeProtectedHeader(raw))), payload: JSON.parse(JSON.stringify(decodeJwt(raw))) };
  } catch {
    return undefined;
  }
}

export class MutantAdapter implements Adapter {
  readonly name: string;
  /** How many tokens, answers or JWKS the operator actually changed. */
  applied = 0;
  readonly #inner: Adapter;
  readonly #op: Operator;
  readonly #keys: CampaignKeys;
  #active: SubstituteKey;
  #memory = new Map<string, unknown>();
  readonly #cache = new Map<string, string>();
  #tenant?: Tenant;
  readonly #calls: InnerCalls;

  constructor(inner: Adapter, op: Operator, keys: CampaignKeys) {
    this.#inner = inner;
    this.#op = op;
    this.#keys = keys;
    this.#active = keys.main;
    this.name = `${inner.name}~${op.id}`;
    this.#calls = {
      signIn: async (r) => this.#rewrite(await this.#inner.signIn(r), 'authorization_code'),
      refresh: async (r) => this.#rewrite(await this.#inner.refresh(r), 'refresh_token'),
      clientCredentials: async (r) => this.#rewrite(await this.#inner.clientCredentials(r), 'client_credentials'),
      authorize: (r) => this.#codeApi('authorize').authorize!(r),
      exchangeCode: async (r) => this.#rewrite(await this.#codeApi('exchangeCode').exchangeCode!(r), 'authorization_code'),
      tokenRequest: async (f) => {
        const result = await this.#codeApi('tokenRequest').tokenRequest!(f);
        const grant = f.grant_type as Grant;
        return ['authorization_code', 'refresh_token', 'client_credentials'].includes(grant) ? this.#rewrite(result, grant) : result;
      },
      tenant: () => this.#tenant,
    };
  }

  get operator(): Operator {
    return this.#op;
  }

  async start(): Promise<TargetInfo> {
    const info = await this.#inner.start();
    // Tokens are re-signed here, so the target cannot revoke what the suite holds: revocation is not judged on mutants.
    return { ...info, name: `${info.name} (mutant ${this.#op.id})`, capabilities: { ...info.capabilities, revocation: false } };
  }

  async provision(tenant: Tenant): Promise<void> {
    // Only an interceptor asks for the tenant (client secrets); a copy of a large tenant per case costs time.
    this.#tenant = this.#op.interceptor ? structuredClone(tenant) : undefined;
    // A new tenant drops codes and refresh tokens on the target: the operator's memory goes with them.
    this.#memory = new Map();
    await this.#inner.provision(tenant);
  }

  deployWorkflow(source: string, fixtures?: WorkflowFixtureSet): Promise<DeployedWorkflow> {
    return this.#inner.deployWorkflow(source, fixtures);
  }

  removeWorkflow(id: string): Promise<void> {
    return this.#inner.removeWorkflow(id);
  }

  async signIn(request: SignInRequest): Promise<TokenResult> {
    const hook = this.#op.interceptor?.signIn;
    if (!hook) return this.#calls.signIn(request);
    return this.#count(await hook(request, this.#calls, this.#memory));
  }

  async refresh(request: RefreshRequest): Promise<TokenResult> {
    const hook = this.#op.interceptor?.refresh;
    if (!hook) return this.#calls.refresh(request);
    return this.#count(await hook(request, this.#calls, this.#memory));
  }

  async clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult> {
    const hook = this.#op.interceptor?.clientCredentials;
    if (!hook) return this.#calls.clientCredentials(request);
    return this.#count(await hook(request, this.#calls, this.#memory));
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const hook = this.#op.interceptor?.authorize;
    if (!hook) return this.#calls.authorize(request);
    const answer = await hook(request, this.#calls, this.#memory);
    if (answer.applied) this.applied += 1;
    return answer.result;
  }

  async exchangeCode(request: CodeExchangeRequest): Promise<TokenResult> {
    const hook = this.#op.interceptor?.exchangeCode;
    if (!hook) return this.#calls.exchangeCode(request);
    return this.#count(await hook(request, this.#calls, this.#memory));
  }

  async tokenRequest(fields: Record<string, string>): Promise<TokenResult> {
    const hook = this.#op.interceptor?.tokenRequest;
    if (!hook) return this.#calls.tokenRequest(fields);
    return this.#count(await hook(fields, this.#calls, this.#memory));
  }

  /** The wrapped target's code-exchange calls (capability codeExchange). */
  #codeApi(method: 'authorize' | 'exchangeCode' | 'tokenRequest'): Adapter {
    if (!this.#inner[method]) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.#inner.name} has no ${method}() (capability codeExchange)`);
    return this.#inner;
  }

  async jwks(): Promise<Jwks> {
    // The target's JWKS must still answer: a dead JWKS endpoint is the target's failure, not a mutant.
    await this.#inner.jwks();
    return this.#servedJwks();
  }

  /** The mutant's key set: the substitute signing key (and the weak one), after the operator's JWKS edit. */
  #servedJwks(): Jwks {
    const keys = [{ ...this.#active.publicJwk }];
    if (this.#op.signing?.kind === 'weak-key') keys.push({ ...this.#keys.weak.publicJwk });
    const set: Jwks = { keys };
    if (this.#op.jwks?.(set)) this.applied += 1;
    return set;
  }

  /**
   * The target's HTTP surface, with every key set it serves (either JWKS path,
   * jwks_uri) replaced by the mutant's, since the tokens are re-signed; then the operator's edit.
   */
  async httpGet(ref: string): Promise<HttpGetAnswer | null> {
    if (!this.#inner.httpGet) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.#inner.name} does not show its HTTP surface`);
    const a = await this.#inner.httpGet(ref);
    if (a === null) return null;
    const answer = structuredClone(a);
    const j = answer.json;
    if (j !== null && typeof j === 'object' && !Array.isArray(j) && Array.isArray(j.keys)) answer.json = this.#servedJwks() as unknown as JsonValue;
    if (this.#op.surface?.(ref, answer)) this.applied += 1;
    return answer;
  }

  async advanceClock(seconds: number): Promise<void> {
    if (!this.#inner.advanceClock) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.#inner.name} cannot move its clock`);
    await this.#inner.advanceClock(seconds);
  }

  async clockNow(): Promise<number> {
    if (!this.#inner.clockNow) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.#inner.name} cannot tell its clock`);
    return this.#inner.clockNow();
  }

  async rotateKeys(): Promise<void> {
    if (!this.#inner.rotateKeys) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.#inner.name} cannot rotate keys`);
    await this.#inner.rotateKeys();
    this.#active = this.#active === this.#keys.main ? this.#keys.rotated : this.#keys.main;
    this.#cache.clear();
  }

  stop(): Promise<void> {
    return this.#inner.stop();
  }

  #count(answer: { result: TokenResult; applied: boolean }): TokenResult {
    if (answer.applied) this.applied += 1;
    return answer.result;
  }

  #rewrite(result: TokenResult, grant: Grant): TokenResult {
    if (!result.ok) return result;
    const body = structuredClone(result.body);
    const on = this.#op.grants === undefined || this.#op.grants.includes(grant);
    const accessType: TokenType = grant === 'client_credentials' ? 'm2m' : 'access';
    const access = decode(body.access_token);
    const id = decode(body.id_token);
    const siblings: TokenContext['siblings'] = {};
    if (access) siblings[accessType] = access.payload;
    if (id) siblings.id = id.payload;
    const originalAccess = body.access_token;
    body.access_token = this.#resign(body.access_token, accessType, grant, on, siblings);
    if (typeof body.id_token === 'string') {
      body.id_token = this.#resign(body.id_token, 'id', grant, on, siblings, { before: originalAccess, after: body.access_token });
    }
    if (on && this.#op.response?.(body, { grant, memory: this.#memory })) this.applied += 1;
    const headers = result.headers === undefined ? undefined : { ...result.headers };
    if (on && headers && this.#op.headers?.(headers, { grant, memory: this.#memory })) this.applied += 1;
    return { ...result, body, ...(headers ? { headers } : {}) };
  }

  #resign(raw: string, type: TokenType, grant: Grant, on: boolean, siblings: TokenContext['siblings'], at?: { before: string; after: string }): string {
    const op = this.#op;
    const targeted = on && (op.tokenTypes === undefined || op.tokenTypes.includes(type)) && (op.token !== undefined || op.signing !== undefined);
    const key = `${targeted ? 1 : 0}|${this.#active.kid}|${raw}|${at?.after ?? ''}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const d = decode(raw);
    // Not a JWS: nothing to re-sign; the suite judges the target's own answer.
    if (!d) return raw;
    const header: JsonObject = { ...d.header, kid: this.#active.kid };
    const payload = d.payload;
    if (at && payload.at_hash === atHash(at.before) && !(targeted && op.staleAtHash)) payload.at_hash = atHash(at.after);
    let changed = false;
    if (targeted) {
      changed = op.token ? op.token({ type, header, payload }, { grant, siblings, memory: this.#memory }) : true;
    }
    if (changed) this.applied += 1;
    const signed = signToken(header, payload, changed && op.signing ? op.signing : { kind: 'substitute' }, this.#keys, this.#active);
    // Memory-dependent operators (first jti seen, …) must see every token; the rest are pure in the raw token.
    if (!(targeted && op.family === 'consistency')) this.#cache.set(key, signed);
    return signed;
  }
}
