import type { SessionManager } from '@kinde-oss/kinde-typescript-sdk';

/** An in-memory SessionManager: the Kinde TypeScript SDK's contract for server-side storage. */
export class MemorySession implements SessionManager {
  readonly items = new Map<string, unknown>();
  async getSessionItem(key: string): Promise<unknown> {
    return this.items.get(key) ?? null;
  }
  async setSessionItem(key: string, value: unknown): Promise<void> {
    this.items.set(key, value);
  }
  async removeSessionItem(key: string): Promise<void> {
    this.items.delete(key);
  }
  async destroySession(): Promise<void> {
    this.items.clear();
  }
}
