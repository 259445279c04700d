/**
 * Self-tests on a saturated machine (issue 10 §7): starts one bounded busy
 * loop per core, runs the README's test command (`npm test`) N times in a row
 * (default 2) while they spin, stops them, and prints one line per round plus
 * `N passed, N failed` (a round that is not green counts as failed).
 *
 *   node hardening/loaded.mjs [--rounds=N] [--max-minutes=M]
 *
 * The busy loops end on their own after --max-minutes (default 90) even if
 * this script is killed, so a machine is never left saturated.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, 'max-minutes': { type: 'string', default: '90' } } });
const rounds = Number(values.rounds);
const maxMinutes = Number(values['max-minutes']);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) {
  console.error('hardening/loaded: --rounds must be an integer from 1 to 10');
  process.exit(2);
}
if (!Number.isFinite(maxMinutes) || maxMinutes < 1 || maxMinutes > 240) {
  console.error('hardening/loaded: --max-minutes must be a number from 1 to 240');
  process.exit(2);
}
const ROOT = new URL('..', import.meta.url).pathname;

// A busy loop that stops itself at its deadline (and when its parent goes away).
const SPIN = `const end = Date.now() + ${Math.round(maxMinutes * 60_000)};
process.on('disconnect', () => process.exit(0));
let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x = (x * 31 + i) | 0; }`;
const spinners = Array.from({ length: availableParallelism() }, () =>
  spawn(process.execPath, ['-e', SPIN], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }),
);
const stop = () => spinners.forEach((s) => s.kill('SIGKILL'));
process.on('exit', stop);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
/** The 1-minute load average beside every figure: what "loaded" meant for this run. */
const load = () => `load ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`;
console.log(`hardening/loaded: ${spinners.length} busy loops (one per core), ${rounds} rounds of npm test (${load()} at start)`);

const round = (n) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['test'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let tail = '';
    // A red round must name what failed: vitest's FAIL / × lines and a few lines after each, wherever they are
    // in the output (the tail alone ends with the conformance run and had lost them), bounded.
    const failures = [];
    let pending = '';
    let after = 0;
    const keep = (b) => {
      const text = b.toString('utf8');
      tail = (tail + text).slice(-20_000);
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        if (/^\s*(FAIL|×)\s/.test(l)) after = 8;
        if (after > 0 && failures.length < 400) {
          failures.push(l.slice(0, 300));
          after -= 1;
        }
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code) => {
      const line = tail.match(/^(\d+) passed, (\d+) failed/gm)?.pop() ?? '(no summary line)';
      const green = code === 0 && /^\d+ passed, 0 failed$/.test(line);
      console.log(`round ${n}: ${green ? 'green' : 'NOT GREEN'} (exit ${code}) ${line} in ${((Date.now() - started) / 1000).toFixed(0)} s (${load()} at its end)`);
      if (!green) console.log(`${failures.length > 0 ? `failed tests:\n${failures.join('\n')}\n` : ''}${tail.slice(-4_000)}`);
      resolve(green);
    });
  });

let green = 0;
for (let n = 1; n <= rounds; n++) if (await round(n)) green += 1;
stop();
console.log(`${green} passed, ${rounds - green} failed`);
process.exitCode = green === rounds ? 0 : 1;
