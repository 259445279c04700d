/**
 * Synchronous client of the sandbox worker (`sandbox-worker.js`).
 *
 * Workflow code runs in a fresh `node:vm` context per run, inside ONE
 * long-lived worker thread. The parent blocks on Atomics.wait until the worker
 * answers, so {@link runWorkflow} stays synchronous. A worker that does not
 * answer in time (it hung outside the vm timeout or hit its heap limit) is
 * terminated and replaced on the next call.
 */

import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

/** Bounds enforced inside the sandbox (and re-checked by the worker). */
export const SANDBOX_LIMITS = Object.freeze({
  /** Characters of JSON for a single claim value (1 MiB). Bigger: RangeError in the sandbox. */
  maxClaimChars: 1_048_576,
  /** Claim writes per run. */
  maxWrites: 10_000,
  /** Characters of names + JSON values over all writes of a run (8 MiB). */
  maxWriteChars: 8_388_608,
  /** Characters per console line, lines per run, characters per run. */
  maxLogChars: 4_096,
  maxLogs: 200,
  maxLogTotalChars: 65_536,
  /** Characters of an error message reported back. */
  maxMessageChars: 2_000,
});

/** Heap cap of the worker that hosts all sandboxes (node:vm itself cannot cap a context). */
export const SANDBOX_HEAP_MB = 256;

/** Extra time the parent waits beyond the run's own timeout before declaring the worker dead. */
const GRACE_MS = 2_000;

export type SandboxMode = 'run' | 'settings';

export interface SandboxRequest {
  mode: SandboxMode;
  /** Bundled CommonJS body of the workflow module. */
  code: string;
  timeoutMs: number;
  /** `[binding, claims JSON]` pairs the sandbox exposes on `kinde`. */
  tokensJson: string;
  eventJson: string;
}

/** `status` is one of: ok, threw, timeout, unsettled, no-default, build, settings, settings-invalid, dead. */
export interface SandboxResponse {
  status: string;
  message: string;
  /** settings mode: `typeof` the default export. */
  extra: string;
  writes: { binding: string; name: string; json: string }[];
  logs: string[];
}

interface Host {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let host: Host | undefined;
let nextId = 1;

function startHost(): Host {
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const worker = new Worker(new URL('./sandbox-worker.js', import.meta.url), {
    workerData: { port: port2, signal, limits: SANDBOX_LIMITS },
    transferList: [port2],
    // A plain Node worker: no loaders inherited from tsx/vitest, no copy of our environment.
    execArgv: [],
    env: {},
    resourceLimits: { maxOldGenerationSizeMb: SANDBOX_HEAP_MB, maxYoungGenerationSizeMb: 32 },
  });
  worker.unref();
  port1.unref();
  const created: Host = { worker, port: port1, flag: new Int32Array(signal) };
  const forget = () => {
    if (host === created) host = undefined;
  };
  worker.on('exit', forget);
  worker.on('error', forget);
  return created;
}

function stopHost(h: Host): void {
  if (host === h) host = undefined;
  h.port.close();
  void h.worker.terminate().catch(() => undefined);
}

/** Sends one request to the worker and blocks until it answers or `timeoutMs + GRACE_MS` pass. */
export function callSandbox(req: SandboxRequest): SandboxResponse {
  const h = (host ??= startHost());
  const id = nextId++;
  Atomics.store(h.flag, 0, 0);
  h.port.postMessage({ id, ...req });
  const deadline = performance.now() + req.timeoutMs + GRACE_MS;
  for (;;) {
    Atomics.store(h.flag, 0, 0);
    const received = receiveMessageOnPort(h.port) as { message: SandboxResponse & { id: number } } | undefined;
    if (received !== undefined) {
      if (received.message.id === id) {
        const { id: _ignored, ...response } = received.message;
        return response;
      }
      continue; // a stale answer; cannot happen after a restart, but never trust ordering
    }
    const left = deadline - performance.now();
    if (left <= 0) break;
    Atomics.wait(h.flag, 0, 0, left);
  }
  stopHost(h);
  return {
    status: 'dead',
    message: `the sandbox did not answer within ${req.timeoutMs + GRACE_MS} ms (hung or out of memory); it was restarted`,
    extra: '',
    writes: [],
    logs: [],
  };
}

/** Stops the sandbox worker (a new one starts on the next call). For tidy shutdowns and tests. */
export async function closeSandbox(): Promise<void> {
  const h = host;
  if (h === undefined) return;
  host = undefined;
  h.port.close();
  await h.worker.terminate();
}
