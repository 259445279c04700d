/**
 * `mutant:<defect>` for a defect of the HTTP surface (reference/defects.ts
 * `over: 'http'`: discovery, JWKS paths, headers): in-process it could not
 * show, so the target is `serve` with that defect on loopback, reached through
 * the http adapter like any out-of-process target. Stopped with the adapter.
 */
import { HttpAdapter } from '../adapters/http.js';
import { AdapterError, type Adapter } from '../adapters/types.js';
import type { DefectName } from '../reference/defects.js';
import { startServer, type StartedServer } from '../reference/server.js';

export function servedMutant(name: string, defect: DefectName, timeoutMs?: number): Adapter {
  let server: StartedServer | undefined;
  let http: HttpAdapter | undefined;
  const need = (): HttpAdapter => {
    if (!http) throw new AdapterError('ERR_TARGET_PROTOCOL', `${name}: start() was not called`);
    return http;
  };
  return {
    name,
    async start() {
      server ??= await startServer({ defects: [defect], log: () => {} });
      http = new HttpAdapter({ targetUrl: server.url, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      const info = await http.start();
      return { ...info, name };
    },
    provision: (t) => need().provision(t),
    deployWorkflow: (s, f) => need().deployWorkflow(s, f),
    removeWorkflow: (id) => need().removeWorkflow(id),
    signIn: (r) => need().signIn(r),
    refresh: (r) => need().refresh(r),
    clientCredentials: (r) => need().clientCredentials(r),
    jwks: () => need().jwks(),
    httpGet: (ref) => need().httpGet(ref),
    advanceClock: (s) => need().advanceClock(s),
    clockNow: () => need().clockNow(),
    rotateKeys: () => need().rotateKeys(),
    revoke: (r) => need().revoke(r),
    authorize: (r) => need().authorize(r),
    exchangeCode: (r) => need().exchangeCode(r),
    tokenRequest: (f) => need().tokenRequest(f),
    async stop() {
      const [h, s] = [http, server];
      http = undefined;
      server = undefined;
      await h?.stop();
      await s?.close();
    },
  };
}
