// @ts-nocheck — plain JavaScript on purpose: this file is loaded natively by a
// worker thread (no tsx/vitest transform), and `bootstrap` is shipped into the
// sandbox with Function.prototype.toString, so its text must be exactly what
// is written here.
/**
 * The sandbox host. Runs in a worker thread so that whatever a workflow does
 * to the heap or to Node's promise-rejection tracking stays in the worker:
 * an unhandled rejection in a vm context is reported to the *host* process by
 * Node (and kills it in the default `throw` mode), and a vm context cannot cap
 * its heap — the worker's `resourceLimits` can.
 *
 * Protocol: the parent posts one request on `workerData.port`; the worker
 * answers on the same port, then sets `workerData.signal[0] = 1` and notifies,
 * so the parent can wait synchronously with Atomics.wait.
 */
import vm from 'node:vm';
import { workerData } from 'node:worker_threads';

const { port, signal, limits } = workerData;
const flag = new Int32Array(signal);

// Sandbox promises that reject without a handler are the workflow's business.
process.on('unhandledRejection', () => {});

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
function bootstrap(hostWrite, hostLog, hostSettle, mode, tokensJson, eventJson, limitsJson) {
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
  // FinalizationRegistry callbacks run later as host tasks, outside the timeout.
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
        // Runs the value's getters/toJSON here, under the run's timeout.
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
      mod = factory();
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
const LIMITS_JSON = JSON.stringify(limits);

/**
 * The workflow script: takes `start` off the global before any workflow code
 * runs, then hands it the module factory. The factory is a sibling function,
 * so the workflow's scope contains only the context's globals.
 */
const wrap = (code) =>
  '(function (start, factory) { try { start(factory); } catch {} })(' +
  '(function () { var s = globalThis.__kindeStart; delete globalThis.__kindeStart; return s; })(),' +
  "function () { 'use strict'; var module = { exports: {} }, exports = module.exports;\n" +
  code +
  '\n;return module.exports; });';

const MAX_SCRIPTS = 500;
const scripts = new Map();
function scriptFor(code) {
  let script = scripts.get(code);
  if (script) {
    scripts.delete(code);
  } else {
    script = new vm.Script(wrap(code), { filename: 'Workflow.js' });
    if (scripts.size >= MAX_SCRIPTS) scripts.delete(scripts.keys().next().value);
  }
  scripts.set(code, script);
  return script;
}

function handle(req) {
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
  try {
    script = scriptFor(req.code);
  } catch (e) {
    return reply('build', `the bundled workflow does not compile: ${e && e.message}`);
  }
  const context = vm.createContext(Object.create(null), CONTEXT_OPTIONS);
  const init = bootstrapScript.runInContext(context);
  init(hostWrite, hostLog, hostSettle, req.mode, req.tokensJson, req.eventJson, LIMITS_JSON);
  try {
    // Microtasks drain after evaluation, inside the same timeout scope.
    script.runInContext(context, { timeout: req.timeoutMs });
  } catch (e) {
    if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return reply('timeout', `the workflow did not finish within ${req.timeoutMs} ms`);
    }
    return reply('threw', 'the workflow script failed');
  }
  if (outcome === undefined) {
    return reply('unsettled', 'the promise returned by the workflow never settled');
  }
  return reply(outcome.status, outcome.message, outcome.extra);
}

port.on('message', (req) => {
  let res;
  try {
    res = handle(req);
  } catch (e) {
    res = { id: req.id, status: 'threw', message: `sandbox failure: ${e && e.message}`, extra: '', writes: [], logs: [] };
  }
  port.postMessage(res);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
