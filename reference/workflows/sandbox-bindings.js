// @ts-nocheck — plain JavaScript on purpose, like sandbox-host.js: `bindings` is
// shipped into each sandbox context with Function.prototype.toString, so its
// text must be exactly what is written here, and it may use nothing outside itself.
/**
 * The non-token bindings of the reference workflow runtime, made INSIDE each
 * fresh context (so everything a workflow reaches is a sandbox-realm object).
 * Each is mounted only when the workflow declares it, as Kinde's runtime does
 * (kinde-oss/workflows-runtime gojaRuntime.go mounts `kinde.*` native modules
 * and the builtins url/console/util only for requested bindings):
 *
 * - `kinde.env` — `get(key)` → `{ value, isSecret }` or undefined, from the
 *   values the user passed (never the process environment);
 * - `kinde.fetch` / `kinde.secureFetch` — answered by the host from fixtures,
 *   SYNCHRONOUSLY (the library's getM2MToken reads `.json` of the returned value
 *   without awaiting it; `await` of a non-promise works for the other helpers).
 *   No fixture: a TypeError like a failed network request;
 * - `kinde.cache` — `jwtToken(key, { onMissingOrExpired })`: the library's
 *   createKindeAPI needs it; nothing is kept beyond the run (a fresh context each run);
 * - `url` — URL and URLSearchParams (sandbox-url.js).
 *
 * Host callbacks take and return primitives only; whatever they throw is dropped.
 */
export function bindings(hostFetch, optionsJson, limitsJson) {
  'use strict';
  const { parse } = JSON;
  const freeze = Object.freeze;
  const create = Object.create;
  const apply = Reflect.apply;
  const Str = String;
  const TypeErr = TypeError;
  const RangeErr = RangeError;
  const stringSlice = String.prototype.slice;
  const toUpper = String.prototype.toUpperCase;
  const PromiseCtor = Promise;
  const promiseThen = Promise.prototype.then;
  const options = parse(optionsJson);
  const limits = parse(limitsJson);

  const callHost = (fn, a, b, c) => {
    try {
      return fn(a, b, c);
    } catch {
      return undefined;
    }
  };
  const clip = (s, n) => (s.length > n ? apply(stringSlice, s, [0, n]) + '…' : s);

  const makeEnv = (entries) => {
    const table = create(null);
    for (const [key, value, isSecret] of entries) table[key] = [value, isSecret];
    return freeze({
      get(key) {
        if (typeof key !== 'string') return undefined;
        const hit = table[key];
        return hit === undefined ? undefined : { value: hit[0], isSecret: hit[1] };
      },
    });
  };

  const describeUrl = (url) => {
    if (typeof url === 'string') return url;
    try {
      return Str(url);
    } catch {
      throw new TypeErr('fetch: the URL must be a string or a URL');
    }
  };
  const methodOf = (init) => {
    let m;
    try {
      m = init !== null && typeof init === 'object' ? init.method : undefined;
    } catch {
      m = undefined;
    }
    return typeof m === 'string' && m !== '' ? apply(toUpper, m, []) : 'GET';
  };

  const makeFetch = (binding) =>
    function (url, init) {
      const href = describeUrl(url);
      const method = methodOf(init);
      const answer = callHost(hostFetch, binding, method, clip(href, limits.maxFetchUrlChars));
      if (answer === 'limit') {
        throw new RangeErr(`${binding}: this run made more than ${limits.maxFetches} requests`);
      }
      if (typeof answer !== 'string' || answer === '') {
        // What fetch does when no server answers; the host recorded the request as unmatched.
        throw new TypeErr(`fetch failed: no fixture answers ${method} ${clip(href, 300)} (nothing leaves the machine)`);
      }
      const a = parse(answer);
      const res = { status: a.s, ok: a.s >= 200 && a.s <= 299, statusText: '', headers: a.h, url: href, text: a.t };
      if (a.j !== null) res.json = parse(a.j);
      return res;
    };

  const makeCache = () => {
    const kept = create(null);
    return freeze({
      jwtToken(key, opts) {
        const k = Str(key);
        if (k in kept) return kept[k];
        const refresh = opts !== null && typeof opts === 'object' ? opts.onMissingOrExpired : undefined;
        if (typeof refresh !== 'function') throw new TypeErr('cache.jwtToken: onMissingOrExpired must be a function');
        const value = refresh();
        kept[k] = value;
        // A rejected refresh is not kept: the next call tries again.
        if (value instanceof PromiseCtor) apply(promiseThen, value, [undefined, () => delete kept[k]]);
        return value;
      },
    });
  };

  /** Adds the declared bindings to the `kinde` object under construction (before it is frozen). */
  return (kinde) => {
    if (options.env) kinde.env = makeEnv(options.env);
    if (options.fetch) kinde.fetch = makeFetch('kinde.fetch');
    if (options.secureFetch) kinde.secureFetch = makeFetch('kinde.secureFetch');
    if (options.cache) kinde.cache = makeCache();
  };
}
