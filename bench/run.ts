/**
 * Benchmark: the default conformance run against the embedded reference,
 * in one process, without vitest, then raw jose signing and verifying the
 * same number of tokens, so the suite's overhead is a ratio, not a guess.
 *
 *   npm run bench [-- --runs=N --seed=N]
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { ReferenceAdapter } from '../adapters/reference.js';
import type { Adapter, TokenResult } from '../adapters/types.js';
import { closeSandbox } from '../reference/workflows/index.js';
import { requirementById } from '../schemas/catalog.js';
import { ALL_CHECKS } from '../suites/index.js';
import { DEFAULT_RUNS } from '../suites/lib/options.js';
import { runCheck } from '../suites/lib/run-check.js';
import { tokenStats } from '../suites/lib/tokens.js';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' } } });
const runs = Number(values.runs ?? DEFAULT_RUNS);
const seed = Number(values.seed ?? 1);

/** Count the tokens a target issues, whatever the flow. */
function counting(adapter: Adapter, counter: { issued: number }): Adapter {
  const count = (r: TokenResult) => {
    if (r.ok) counter.issued += 1 + (r.body.id_token ? 1 : 0);
    return r;
  };
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'signIn' || prop === 'refresh' || prop === 'clientCredentials') {
        return async (...args: unknown[]) => count(await (v as (...a: unknown[]) => Promise<TokenResult>).apply(target, args));
      }
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const counter = { issued: 0 };
const reference = new ReferenceAdapter();
const info = await reference.start();
const adapter = counting(reference, counter);
const started = performance.now();
let failed = 0;
for (const check of ALL_CHECKS) {
  const r = await runCheck(check, { adapter, info }, { seed, runs, severity: (id) => requirementById(id).severity });
  failed += Object.values(r.outcomes).filter((o) => o.verdict === 'FAILED' || o.verdict === 'ERRORED').length;
}
const suiteMs = performance.now() - started;
peakRss = Math.max(peakRss, process.memoryUsage().rss);

// Raw jose: sign and verify as many RS256 tokens, same key size.
const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' }] });
const n = Math.max(counter.issued, 1);
const t0 = performance.now();
const tokens: string[] = [];
for (let i = 0; i < n; i++) {
  tokens.push(await new SignJWT({ sub: `kp_${i}`, scp: ['openid'] }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuedAt().setExpirationTime('1h').sign(privateKey));
}
const t1 = performance.now();
for (const t of tokens) await jwtVerify(t, jwks, { algorithms: ['RS256'] });
const t2 = performance.now();
clearInterval(sampler);
await closeSandbox();

const joseMs = t2 - t0;
const lines = [
  `machine:            ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  `run:                ${ALL_CHECKS.length} checks × ${runs} runs, seed ${seed}, ${failed} failed/errored requirements`,
  `suite wall time:    ${(suiteMs / 1000).toFixed(1)} s`,
  `tokens issued:      ${counter.issued} (${(counter.issued / (suiteMs / 1000)).toFixed(0)}/s)`,
  `tokens verified:    ${tokenStats.verified} signatures, ${tokenStats.decoded} decoded`,
  `peak RSS:           ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  `raw jose, ${n} tokens: sign ${(t1 - t0).toFixed(0)} ms + verify ${(t2 - t1).toFixed(0)} ms = ${joseMs.toFixed(0)} ms`,
  `suite / raw jose:   ${(suiteMs / joseMs).toFixed(1)}×`,
];
console.log(lines.join('\n'));
process.exit(failed > 0 ? 1 : 0);
