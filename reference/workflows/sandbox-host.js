// @ts-nocheck — plain JavaScript on purpose: this file is loaded natively by the
// sandbox process (no tsx/vitest transform), and `bootstrap` is shipped into the
// sandbox with Function.prototype.toString, so its text must be exactly what
// is written here.
/**
 * The sandbox host: runs one workflow request in a fresh `node:vm` context.
 * It is loaded by `sandbox-child.js`, in a process of its own, so that
 * whatever a workflow does to the heap, to array-buffer memory or to Node's
 * promise-rejection tracking costs at most that process: V8 ends a whole
 * process when a heap limit is hit in some builtins (`Array.prototype.fill`
 * on a huge array did, even in a worker thread with resourceLimits).
 *
 * Per run: a fresh context (made ahead, while idle), the bootstrap below, a
 * fresh evaluation of the `@kinde/infrastructure` library (compiled once per
 * process), then the workflow module (compiled once per process and source).
 * Each context serves one run: nothing of one run is reachable from the next.
 */
import vm from 'node:vm';

const CONTEXT_OPTIONS = {
  name: 'kinde-workflow',
  microtaskMode: 'afterEvaluate',
  codeGeneration: { strings: false, wasm: false },
};

/**
 * Evaluated INSIDE each fresh context before any workflow code, so every
 * object the workflow can reach is a sandbox-realm object. The host callbacks
 * live only in this closure; the workflow reaches them only through the
 * wrappers below, which pass and return primitives and never rethrow what a
 * host callback threw.
 */
function bootstrap(hostWrite, hostLog, hostSettle, mode, tokensJson, eventJson, limitsJson, libFactory) {
  'use strict';
  const g = globalThis;
  const { parse, stringify } = JSON;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const PromiseCtor = Promise;
  const promiseResolve = Promise.resolve;
  const promiseThen = Promise.prototype.then;
  const stringSlice = String.prototype.slice;
  const Str = String;
  const TypeErr = TypeError;
  const RangeErr = RangeError;
  const limits = parse(limitsJson);

  // Calls a host callback; whatever it throws (a host-realm object) is dropped.
  const callHost = (fn, a, b, c) => {
    try {
      return fn(a, b, c);
    } catch {
      return undefined;
    }
  };
  const clip = (s, n) => (s.length > n ? apply(stringSlice, s, [0, n]) + '…' : s);

  // Nothing a token workflow needs, and each lets work outlive the run:
  // FinalizationRegistry callbacks run later as host tasks, after the run.
  for (const name of ['FinalizationRegistry', 'WeakRef', 'SharedArrayBuffer', 'Atomics', 'WebAssembly']) {
    delete g[name];
  }

  const makeBinding = (binding, claimsJson) =>
    freeze({
      getCustomClaims() {
        return parse(claimsJson);
      },
      setCustomClaim(name, value) {
        if (typeof name !== 'string') {
          throw new TypeErr('setCustomClaim: the claim name must be a string');
        }
        // Runs the value's getters/toJSON here, within the run's time budget.
        const json = stringify(value);
        if (typeof json !== 'string') {
          throw new TypeErr(`setCustomClaim: the value of claim "${clip(name, 100)}" is not JSON-serializable`);
        }
        if (json.length > limits.maxClaimChars) {
          throw new RangeErr(
            `setCustomClaim: the value of claim "${clip(name, 100)}" exceeds ${limits.maxClaimChars} characters of JSON`,
          );
        }
        if (callHost(hostWrite, binding, name, json) !== 'ok') {
          throw new RangeErr(
            `setCustomClaim: this run exceeded ${limits.maxWrites} claim writes or ${limits.maxWriteChars} characters in total`,
          );
        }
      },
    });

  const kinde = {};
  for (const [binding, claimsJson] of parse(tokensJson)) {
    kinde[apply(stringSlice, binding, [6])] = makeBinding(binding, claimsJson);
  }
  defineProperty(g, 'kinde', { value: freeze(kinde), writable: false, enumerable: false, configurable: false });

  const format = (args) => {
    let out = '';
    for (let i = 0; i < args.length && out.length <= limits.maxLogChars; i++) {
      const a = args[i];
      let s;
      if (typeof a === 'string') s = a;
      else {
        try {
          s = stringify(a);
          if (typeof s !== 'string') s = Str(a);
        } catch {
          try {
            s = Str(a);
          } catch {
            s = '[unprintable]';
          }
        }
      }
      out += (i === 0 ? '' : ' ') + s;
    }
    return clip(out, limits.maxLogChars);
  };
  const consoleObject = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    consoleObject[level] = function (...args) {
      callHost(hostLog, level, format(args));
    };
  }
  defineProperty(g, 'console', { value: freeze(consoleObject), writable: true, enumerable: false, configurable: true });

  const event = parse(eventJson);

  const describe = (e) => {
    try {
      if ((typeof e === 'object' && e !== null) || typeof e === 'function') {
        const message = e.message;
        const name = e.name;
        if (typeof message === 'string') {
          return clip((typeof name === 'string' && name !== '' ? name + ': ' : '') + message, limits.maxMessageChars);
        }
      }
      return clip(Str(e), limits.maxMessageChars);
    } catch {
      return 'the workflow threw a value that cannot be described';
    }
  };
  const settle = (status, message, extra) => {
    callHost(hostSettle, status, message, extra);
  };

  let started = false;
  /** Called once by the workflow script with the module factory. */
  const start = (factory) => {
    if (started) return;
    started = true;
    let mod;
    let main;
    try {
      // The only module a workflow can import: a fresh instance of the library, made in this context.
      mod = factory(libFactory());
      main = mod.default;
    } catch (e) {
      settle('threw', describe(e));
      return;
    }
    if (mode === 'settings') {
      let json;
      try {
        const settings = mod.workflowSettings;
        json = settings === undefined ? '' : stringify(settings);
        if (typeof json !== 'string') json = 'null';
      } catch (e) {
        settle('settings-invalid', describe(e));
        return;
      }
      settle('settings', json, typeof main);
      return;
    }
    if (typeof main !== 'function') {
      settle('no-default', typeof main);
      return;
    }
    try {
      const ret = apply(main, undefined, [event]);
      apply(promiseThen, apply(promiseResolve, PromiseCtor, [ret]), [
        () => settle('ok', ''),
        (e) => settle('threw', describe(e)),
      ]);
    } catch (e) {
      settle('threw', describe(e));
    }
  };
  defineProperty(g, '__kindeStart', { value: start, writable: false, enumerable: false, configurable: true });
}

const bootstrapScript = new vm.Script(`(${bootstrap.toString()})`, { filename: 'kinde-workflow-bootstrap.js' });

/**
 * The workflow script: takes `start` off the global before any workflow code
 * runs, then hands it the module factory. The factory is a sibling function,
 * so the workflow's scope contains only the context's globals and the
 * library instance (under the name the build gave it).
 */
const wrapWorkflow = (code, libName) =>
  '(function (start, factory) { try { start(factory); } catch {} })(' +
  '(function () { var s = globalThis.__kindeStart; delete globalThis.__kindeStart; return s; })(),' +
  'function (' +
  libName +
  ") { 'use strict'; var module = { exports: {} }, exports = module.exports;\n" +
  code +
  '\n;return module.exports; });';

/** The library script evaluates to a factory of the library's exports (CommonJS body inside). */
const wrapLibrary = (code) =>
  "(function () { 'use strict'; var module = { exports: {} }, exports = module.exports;\n" + code + '\n;return module.exports; })';

/** Scripts are compiled once per process and kept by the key the parent gives them (LRU). */
export const MAX_SCRIPTS = 500;

/**
 * `guard.started(timeoutMs)` / `guard.ended()` bracket the only stretch in which workflow code
 * runs (the guard enforces the time budget: `sandbox-child.js`).
 */
export function createHost(limits, guard) {
  const LIMITS_JSON = JSON.stringify(limits);
  const scripts = new Map();
  let library; // { key, script }

  /** The compiled script for `key`, compiling `code` when given; undefined when neither is known. */
  const scriptFor = (key, code, libName) => {
    let script = scripts.get(key);
    if (script) {
      scripts.delete(key);
    } else {
      if (typeof code !== 'string') return undefined;
      if (typeof libName !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(libName)) throw new TypeError('the library name must be an identifier');
      script = new vm.Script(wrapWorkflow(code, libName), { filename: 'Workflow.js' });
      if (scripts.size >= MAX_SCRIPTS) scripts.delete(scripts.keys().next().value);
    }
    scripts.set(key, script);
    return script;
  };

  const libraryFor = (req) => {
    if (library && library.key === req.libKey) return library;
    if (typeof req.lib !== 'string') return undefined;
    library = { key: req.libKey, script: new vm.Script(wrapLibrary(req.lib), { filename: 'kinde-infrastructure.js' }) };
    return library;
  };

  // A fresh, never-used context made while the process is idle, so a request does not wait for its
  // creation (two thirds of a run's CPU). Nothing runs in it before its request: it is as fresh as
  // one made then, and it serves that one request only.
  let spare; // { key, context, init, libFactory }
  const makeContext = (lib) => {
    const context = vm.createContext(Object.create(null), CONTEXT_OPTIONS);
    return { key: lib.key, context, init: bootstrapScript.runInContext(context), libFactory: lib.script.runInContext(context) };
  };
  const freshContext = (lib) => {
    const fresh = spare !== undefined && spare.key === lib.key ? spare : makeContext(lib);
    spare = undefined;
    return fresh;
  };
  const prepare = () => {
    if (spare === undefined && library !== undefined) spare = makeContext(library);
  };

  return { handle: (req) => handle(req, LIMITS_JSON, limits, scriptFor, libraryFor, freshContext, guard), prepare };
}

function handle(req, LIMITS_JSON, limits, scriptFor, libraryFor, freshContext, guard) {
  const writes = [];
  const logs = [];
  let writeChars = 0;
  let logChars = 0;
  let logsDropped = false;
  let closed = false;
  let outcome; // { status, message, extra }

  // Host callbacks: primitives in, primitives out, never throw.
  const hostWrite = (binding, name, json) => {
    try {
      if (closed || typeof binding !== 'string' || typeof name !== 'string' || typeof json !== 'string') return 'bad';
      if (writes.length >= limits.maxWrites || writeChars + name.length + json.length > limits.maxWriteChars) return 'limit';
      writeChars += name.length + json.length;
      writes.push({ binding, name, json });
      return 'ok';
    } catch {
      return 'bad';
    }
  };
  const hostLog = (level, text) => {
    try {
      if (closed || typeof level !== 'string' || typeof text !== 'string') return undefined;
      if (logs.length >= limits.maxLogs || logChars + text.length > limits.maxLogTotalChars) {
        if (!logsDropped) logs.push('warn: [further log output dropped]');
        logsDropped = true;
        return undefined;
      }
      logChars += text.length;
      logs.push(`${level}: ${text}`);
    } catch {
      // never throw into the sandbox
    }
    return undefined;
  };
  const hostSettle = (status, message, extra) => {
    try {
      if (closed || outcome !== undefined || typeof status !== 'string' || typeof message !== 'string') return undefined;
      outcome = { status, message, extra: typeof extra === 'string' ? extra : '' };
      // The token is made from what was written until the promise settled: later writes and logs are dropped.
      closed = true;
    } catch {
      // never throw into the sandbox
    }
    return undefined;
  };

  const reply = (status, message, extra = '') => {
    closed = true;
    return { id: req.id, status, message, extra, writes, logs };
  };

  let script;
  let lib;
  try {
    lib = libraryFor(req);
    if (lib === undefined) return reply('missing', 'lib');
    script = scriptFor(req.codeKey, req.code, req.libName);
    if (script === undefined) return reply('missing', 'code');
  } catch (e) {
    return reply('build', `the bundled workflow does not compile: ${e && e.message}`);
  }
  const { context, init, libFactory } = freshContext(lib);
  init(hostWrite, hostLog, hostSettle, req.mode, req.tokensJson, req.eventJson, LIMITS_JSON, libFactory);
  // Microtasks drain after evaluation (microtaskMode afterEvaluate): everything the workflow does
  // happens inside this call, which the guard ends (with the process) once the budget is spent.
  guard.started(req.timeoutMs);
  try {
    script.runInContext(context);
  } catch {
    return reply('threw', 'the workflow script failed');
  } finally {
    guard.ended();
  }
  if (outcome === undefined) {
    return reply('unsettled', 'the promise returned by the workflow never settled');
  }
  return reply(outcome.status, outcome.message, outcome.extra);
}
