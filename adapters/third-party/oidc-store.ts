/**
 * oidc-provider's storage adapter, one Map per target instance (the built-in
 * MemoryAdapter is process-global): grants survive a key-rotation restart and
 * everything is dropped with the tenant. No timers, so nothing keeps the
 * process alive.
 */
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

interface Entry {
  payload: Payload;
  expiresAt: number;
}

export class MemoryStore {
  readonly #entries = new Map<string, Entry>();

  /** The class oidc-provider instantiates per model name. */
  factory(): new (model: string) => object {
    const entries = this.#entries;
    return class ModelStore {
      readonly #model: string;
      constructor(model: string) {
        this.#model = model;
      }
      #key(id: string): string {
        return `${this.#model}:${id}`;
      }
      async upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
        entries.set(this.#key(id), { payload: structuredClone(payload), expiresAt: Date.now() + expiresIn * 1000 });
      }
      async find(id: string): Promise<Payload | undefined> {
        const e = entries.get(this.#key(id));
        if (!e) return undefined;
        if (e.expiresAt <= Date.now()) {
          entries.delete(this.#key(id));
          return undefined;
        }
        return structuredClone(e.payload);
      }
      async findByUid(uid: string): Promise<Payload | undefined> {
        for (const [k, e] of entries) if (k.startsWith(`${this.#model}:`) && e.payload.uid === uid) return this.find(k.slice(this.#model.length + 1));
        return undefined;
      }
      async findByUserCode(userCode: string): Promise<Payload | undefined> {
        for (const [k, e] of entries) if (k.startsWith(`${this.#model}:`) && e.payload.userCode === userCode) return this.find(k.slice(this.#model.length + 1));
        return undefined;
      }
      async consume(id: string): Promise<void> {
        const e = entries.get(this.#key(id));
        if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
      }
      async destroy(id: string): Promise<void> {
        entries.delete(this.#key(id));
      }
      async revokeByGrantId(grantId: string): Promise<void> {
        for (const [k, e] of entries) if (e.payload.grantId === grantId) entries.delete(k);
      }
    };
  }
}
