/**
 * Micro-benchmark of the workflow runtime: `npx tsx reference/workflows/bench.ts`.
 * Prints compile time (first ever, cold, cached), run time per workflow, and
 * where the time goes (esbuild, the settings evaluation, inside the sandbox
 * processes vs the round trip to them).
 */

import { clearCompileCache, closeSandbox, compileCounters, compileWorkflow, runWorkflow, sandboxCounters } from './index.js';

const source = (i: number) => `
import { onUserTokenGeneratedEvent, WorkflowSettings, WorkflowTrigger, accessTokenCustomClaims, idTokenCustomClaims } from "@kinde/infrastructure";
export const workflowSettings: WorkflowSettings = {
  id: "bench${i}", trigger: WorkflowTrigger.UserTokenGeneration,
  bindings: { "kinde.accessToken": {}, "kinde.idToken": {}, url: {} },
};
export default async function Workflow(event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ companyName: string; n: number; permissions: string[] }>();
  accessToken.companyName = "Acme Inc.";
  accessToken.n = ${i};
  accessToken.permissions = [];
  idTokenCustomClaims<{ house: string }>().house = event.context.user.id;
}`;

const ms = (t: number) => `${t.toFixed(2)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const timed = async <T>(f: () => T | Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
};

const N = 200;
const [, first] = await timed(() => compileWorkflow(source(-1)));
const cold: number[] = [];
for (let i = 0; i < N; i++) cold.push((await timed(() => compileWorkflow(source(i))))[1]);
const cached: number[] = [];
for (let i = 0; i < N; i++) cached.push((await timed(() => compileWorkflow(source(i))))[1]);
clearCompileCache();

const wf = await compileWorkflow(source(0));
const input = {
  event: { context: { user: { id: 'kp_1' }, workflow: { trigger: 'user:tokens_generation' } } },
  tokens: { 'kinde.accessToken': { sub: 'kp_1' }, 'kinde.idToken': { sub: 'kp_1' } },
};
const runs: number[] = [];
const before = { ...sandboxCounters };
for (let i = 0; i < 1_000; i++) {
  const [result, t] = await timed(() => runWorkflow(wf, input));
  if (!result.ok || result.writes.length !== 4) throw new Error(`unexpected result: ${JSON.stringify(result)}`);
  runs.push(t);
}

console.log(`compile, first ever (esbuild service, library bundle, sandbox process start): ${ms(first)}`);
console.log(`compile, cold (new source), median of ${N}: ${ms(median(cold))}  p95 ${ms([...cold].sort((a, b) => a - b)[Math.floor(N * 0.95)] ?? NaN)}`);
console.log(`compile, cached, median of ${N}: ${ms(median(cached))}`);
console.log(`run (fresh vm context, 4 writes), median of ${runs.length}: ${ms(median(runs))}  p95 ${ms([...runs].sort((a, b) => a - b)[Math.floor(runs.length * 0.95)] ?? NaN)}`);
const n = sandboxCounters.requests - before.requests;
console.log(`  of a run: ${ms((sandboxCounters.inSandboxMs - before.inSandboxMs) / n)} inside the sandbox process, ${ms((sandboxCounters.ms - before.ms) / n)} round trip (mean)`);
console.log(`compile phases (mean over ${compileCounters.builds} builds): esbuild ${ms(compileCounters.esbuildMs / compileCounters.builds)}, settings evaluation ${ms(compileCounters.settingsMs / compileCounters.builds)}`);
console.log(`compiled module size: ${wf.code.length} chars (the library is evaluated separately)`);
await closeSandbox();
