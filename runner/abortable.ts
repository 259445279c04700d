/**
 * An adapter seen through an AbortSignal: once the signal fires (the check's
 * test timed out, or the run was cancelled), every call of the check rejects
 * at once, so an abandoned check cannot go on driving the target (provision
 * it, rotate its keys) under the next check. Calls already sent still run on
 * the target: {@link Abortable.settled} resolves when none is in flight, so
 * the next check on the same target starts only after they ended.
 *
 * Wraps any adapter (issuer or verifier, the user's own modules included)
 * without changing its contract: every method is wrapped, calls go to the
 * adapter itself (private fields keep working).
 */

export class CheckAbortedError extends Error {
  readonly code = 'ERR_CHECK_ABORTED';
  constructor(why: string) {
    super(`check aborted: ${why}`);
    this.name = 'CheckAbortedError';
  }
}

export interface Abortable<T> {
  /** The adapter to give the check. */
  adapter: T;
  /** Resolves once no call of the adapter is in flight. */
  settled(): Promise<void>;
}

export function abortable<T extends object>(inner: T, signal: AbortSignal): Abortable<T> {
  let inFlight = 0;
  let waiters: Array<() => void> = [];
  const done = () => {
    inFlight -= 1;
    if (inFlight === 0) {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    }
  };
  const reason = () => {
    const r = signal.reason as { message?: string } | undefined;
    return r?.message ?? 'the check was cancelled';
  };
  const wrapped = new Proxy(inner, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function' || key === 'constructor') return value;
      return (...args: unknown[]) => {
        if (signal.aborted) return Promise.reject(new CheckAbortedError(reason()));
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        inFlight += 1;
        void result.then(done, done);
        return new Promise((resolve, reject) => {
          const onAbort = () => reject(new CheckAbortedError(reason()));
          signal.addEventListener('abort', onAbort, { once: true });
          result.then(
            (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
            (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
          );
        });
      };
    },
  });
  return {
    adapter: wrapped,
    settled: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((res) => waiters.push(res))),
  };
}
