/**
 * One hostile target as its own process, for the harness (hardening/run.ts):
 *
 *   node --import tsx hardening/target.ts <case>
 *
 * starts the reference `serve` (with the case's seeded defects) and the
 * case's proxy in front of it, both on 127.0.0.1, prints `READY <proxy url>`
 * on stdout, and runs until SIGTERM/SIGINT (or until the case makes it die).
 */
import { startServer } from '../reference/server.js';
import { caseByName } from './cases.js';
import { startProxy } from './proxy.js';

const name = process.argv[2] ?? '';
const c = caseByName(name);
if (!c || c.unreachable) {
  process.stderr.write(`hardening/target.ts: no target for case ${JSON.stringify(name)}\n`);
  process.exit(2);
}
const upstream = await startServer({ defects: c.defects ?? [], log: () => {} });
const proxy = await startProxy(upstream.url, (await c.behaviour?.()) ?? {});
process.stdout.write(`READY ${proxy.url}\n`);

const stop = async () => {
  await proxy.close();
  await upstream.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
