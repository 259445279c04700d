/**
 * Hostile workflows against a real `serve` process:
 * `npx tsx reference/workflows/bombs.ts [--repo DIR] [--only NAME]`.
 *
 * Each case starts `serve` (from DIR, default this checkout) as its own
 * process on loopback, deploys the hostile workflow in one session, asks for a
 * token there and, while that request is in flight, asks a second session for
 * its handshake and a token. It prints one row per case: the hostile request's
 * answer, whether the other session was answered before it, whether `serve`
 * is still alive afterwards, and the peak RSS of `serve` (VmHWM) and of its
 * sandbox processes (sampled). Linux only (reads /proc); bounded in time.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { emptyTenant, type Tenant } from '../../adapters/types.js';
import { spawnServe } from '../server/spawn.js';

const { values } = parseArgs({ options: { repo: { type: 'string' }, only: { type: 'string' } } });
const REPO = resolve(values.repo ?? fileURLToPath(new URL('../../', import.meta.url)));
const CASE_BUDGET_MS = 60_000;

const lifetimes = { accessToken: 3600, idToken: 3600, refreshToken: 86_400 };
const TENANT: Tenant = {
  ...emptyTenant('bombs'),
  apis: [{ audience: 'bombs:api', scopes: [] }],
  applications: [{ clientId: 'robot', clientSecret: 's', name: 'Robot', kind: 'm2m', lifetimes, apis: ['bombs:api'], tokens: {}, properties: {} }],
};

const workflow = (id: string, body: string, policy: 'stop' | 'continue') => `
import { m2mTokenClaims } from "@kinde/infrastructure";
export const workflowSettings = { id: "${id}", trigger: "m2m:token_generation", failurePolicy: { action: "${policy}" }, bindings: { "kinde.m2mToken": {} } };
export default async function Workflow(event: any) {
  m2mTokenClaims<any>().before = true;
${body}
}`;

interface Case {
  name: string;
  body: string;
  policy: 'stop' | 'continue';
  /** How many copies of the workflow are deployed (loops across sessions). */
  copies?: number;
}

export const CASES: Case[] = [
  { name: 'array 2^26 fill', body: 'new Array(2 ** 26).fill(1);', policy: 'stop' },
  { name: '3 × 1 GiB Uint8Array', body: 'const keep: Uint8Array[] = []; for (let i = 0; i < 3; i++) { const a = new Uint8Array(2 ** 30); a.fill(1); keep.push(a); }', policy: 'continue' },
  { name: 'ArrayBuffer 2 GiB', body: 'new Uint8Array(new ArrayBuffer(2 ** 31)).fill(7);', policy: 'stop' },
  { name: 'strings', body: 'const keep: string[] = []; for (let i = 0; ; i++) keep.push("x".repeat(1 << 20) + i);', policy: 'stop' },
  { name: 'Map', body: 'const m = new Map(); for (let i = 0; ; i++) m.set(i, { i });', policy: 'continue' },
  { name: 'recursive promises', body: 'const keep: number[][] = []; const f = (): Promise<void> => { keep.push(new Array(1000).fill(0)); return Promise.resolve().then(f); }; await f();', policy: 'stop' },
  { name: 'busy after settle', body: 'const spin = (): Promise<void> => Promise.resolve().then(spin); spin();', policy: 'continue' },
  { name: 'Atomics.wait', body: 'const S: any = (globalThis as any).SharedArrayBuffer ?? ArrayBuffer; Atomics.wait(new Int32Array(new S(4)), 0, 0);', policy: 'stop' },
  { name: '10 loops, continue', body: 'for (;;) {}', policy: 'continue', copies: 10 },
];

/** Peak resident set of a process (VmHWM), in MiB; undefined once it is gone. */
function hwm(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function rss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Children of `pid` (the sandbox processes), from /proc. */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

const signal = () => AbortSignal.timeout(CASE_BUDGET_MS);

async function json(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    signal: signal(),
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function session(url: string): Promise<string> {
  const s = await json('POST', `${url}/_conformance/v1/sessions`, {});
  const base = s.body.baseUrl as string;
  const t = await json('PUT', `${base}/_conformance/v1/tenant`, TENANT);
  if (t.status !== 204) throw new Error(`tenant: ${t.status} ${JSON.stringify(t.body)}`);
  return base;
}

const tokenRequest = (base: string) =>
  fetch(`${base}/oauth2/token`, {
    method: 'POST',
    signal: signal(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=robot&client_secret=s&audience=bombs%3Aapi',
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string>, at: performance.now() }));

async function runCase(c: Case): Promise<string[]> {
  const { child, url } = await spawnServe(REPO);
  const pid = child.pid!;
  let childPeak = 0;
  const sampler = setInterval(() => {
    for (const p of children(pid)) childPeak = Math.max(childPeak, rss(p));
  }, 20);
  let died = '';
  child.on('exit', (code, sig) => (died = `died (${sig ?? code})`));
  try {
    const hostile = await session(url);
    const other = await session(url);
    for (let i = 0; i < (c.copies ?? 1); i++) {
      const d = await json('POST', `${hostile}/_conformance/v1/workflows`, { source: workflow(`bomb${i}`, c.body, c.policy) });
      if (d.status !== 201) return [c.name, `deploy ${d.status}: ${JSON.stringify(d.body).slice(0, 300)}`, '', '', '', ''];
    }
    const t0 = performance.now();
    const bomb = tokenRequest(hostile).catch((e: Error) => ({ status: 0, body: { error: e.message } as Record<string, string>, at: performance.now() }));
    await new Promise((r) => setTimeout(r, 50)); // let the hostile request reach its workflow
    const h0 = performance.now();
    const handshake = await json('GET', `${other}/_conformance/v1/handshake`).then(
      (r) => ({ status: r.status, at: performance.now() }),
      () => ({ status: 0, at: performance.now() }),
    );
    const k0 = performance.now();
    const otherToken = await tokenRequest(other).catch(() => ({ status: 0, body: {}, at: performance.now() }));
    const b = await bomb;
    await new Promise((r) => setTimeout(r, 1_500)); // a sandbox torn down after the answer may still take serve with it
    const after = await json('GET', `${url}/_conformance/v1/handshake`).then(
      (r) => r.status,
      () => 0,
    );
    const answer = b.status === 200 ? `200 (${((b.at - t0) / 1000).toFixed(1)} s)` : `${b.status} ${b.body.error ?? ''}: ${String(b.body.error_description ?? '').slice(0, 90)}`;
    const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const othersFirst = `handshake ${handshake.status} in ${secs(handshake.at - h0)}, token ${otherToken.status} in ${secs(otherToken.at - k0)}`;
    return [
      c.name,
      answer,
      othersFirst,
      died || (after === 200 ? 'alive' : `no answer (${after})`),
      `${(hwm(pid) ?? NaN).toFixed(0)} MiB`,
      childPeak > 0 ? `${childPeak.toFixed(0)} MiB` : '–',
    ];
  } catch (e) {
    return [c.name, `error: ${(e as Error).message.slice(0, 100)}`, '', died || 'unknown', `${(hwm(pid) ?? NaN).toFixed(0)} MiB`, ''];
  } finally {
    clearInterval(sampler);
    child.kill('SIGKILL');
  }
}

const rows = [['case', 'hostile token request', 'other session, meanwhile', 'serve after', 'serve peak RSS', 'sandbox peak RSS']];
for (const c of CASES) {
  if (values.only !== undefined && !c.name.includes(values.only)) continue;
  rows.push(await runCase(c));
}
console.log(`serve from ${REPO}`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
