/**
 * An in-process adapter around any other whose issued tokens are rewritten
 * into a hostile kind (hardening/hostile-tokens.ts) and re-signed by a
 * substitute key; the JWKS is the substitute's. Self-tests use it to drive
 * real checks with hostile tokens without a network.
 */
import type { Adapter, Jwks, TargetInfo, TokenResult } from '../adapters/types.js';
import { Resigner, type HostileTokenName } from './hostile-tokens.js';

export class RewritingAdapter implements Adapter {
  readonly name: string;
  readonly #inner: Adapter;
  readonly #kind: HostileTokenName;
  readonly #fields: ReadonlyArray<'access_token' | 'id_token'>;
  #resigner?: Resigner;

  constructor(inner: Adapter, kind: HostileTokenName, fields: ReadonlyArray<'access_token' | 'id_token'> = ['access_token', 'id_token']) {
    this.name = `${inner.name}+${kind}`;
    this.#inner = inner;
    this.#kind = kind;
    this.#fields = fields;
  }

  async start(): Promise<TargetInfo> {
    this.#resigner ??= await Resigner.create();
    const info = await this.#inner.start();
    // The substitute key does not rotate; the target cannot revoke the rewritten tokens the suite holds.
    return { ...info, name: this.name, capabilities: { ...info.capabilities, keyRotation: false, httpSurface: false, revocation: false, codeExchange: false } };
  }

  provision: Adapter['provision'] = (t) => this.#inner.provision(t);
  deployWorkflow: Adapter['deployWorkflow'] = (s) => this.#inner.deployWorkflow(s);
  removeWorkflow: Adapter['removeWorkflow'] = (id) => this.#inner.removeWorkflow(id);
  signIn: Adapter['signIn'] = async (r) => this.#rewrite(await this.#inner.signIn(r));
  refresh: Adapter['refresh'] = async (r) => this.#rewrite(await this.#inner.refresh(r));
  clientCredentials: Adapter['clientCredentials'] = async (r) => this.#rewrite(await this.#inner.clientCredentials(r));
  advanceClock = (s: number): Promise<void> => this.#inner.advanceClock!(s);
  stop: Adapter['stop'] = () => this.#inner.stop();

  async jwks(): Promise<Jwks> {
    return this.#resigner!.jwks;
  }

  async #rewrite(result: TokenResult): Promise<TokenResult> {
    if (!result.ok) return result;
    const body = { ...result.body };
    for (const f of this.#fields) {
      const raw = body[f];
      if (typeof raw === 'string') body[f] = await this.#resigner!.rewrite(raw, this.#kind);
    }
    return { ...result, body };
  }
}
