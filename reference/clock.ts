/**
 * A controllable clock. Expiry behaviour (refresh after access-token expiry,
 * refresh-token lifetime) is tested by moving this forward, never by waiting.
 */
export class Clock {
  #offsetSeconds = 0;
  readonly #base: () => number;

  constructor(base: () => number = () => Date.now()) {
    this.#base = base;
  }

  /** Current time in whole Unix seconds. */
  now(): number {
    return Math.floor(this.#base() / 1000) + this.#offsetSeconds;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`clock can only move forward by a finite number of seconds, got ${seconds}`);
    }
    this.#offsetSeconds += Math.floor(seconds);
  }
}
