/**
 * An adapter whose module is imported on first use. The registries name
 * every target and verifier, but loading oidc-provider, oauth2-mock-server
 * or a JWT library for a run that uses none of them costs start-up time.
 */
export function lazy<T extends { name: string }>(name: string, methods: readonly string[], load: () => Promise<T>): T {
  let real: Promise<T> | undefined;
  const get = () => (real ??= load());
  const proxy: Record<string, unknown> = { name };
  for (const m of methods) {
    proxy[m] = async (...args: unknown[]) => {
      if (m === 'stop' && real === undefined) return undefined; // never started: nothing to stop
      const target = (await get()) as unknown as Record<string, (...a: unknown[]) => unknown>;
      return target[m]!.apply(target, args);
    };
  }
  return proxy as unknown as T;
}
