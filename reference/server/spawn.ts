/**
 * `serve` as a child process (tests, benchmarks): started from a checkout with
 * tsx, resolved once it prints its URL. Loopback only, like `serve` itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedServe {
  child: ChildProcess;
  url: string;
  /** Everything it printed on stdout until the URL. */
  banner: string;
}

/** Starts `serve` with `args` from the checkout at `cwd`; rejects if it prints no URL within `timeoutMs` or exits. */
export async function spawnServe(cwd: string, args: string[] = ['--port', '0'], timeoutMs = 30_000): Promise<SpawnedServe> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', `import('./reference/serve-cli.ts').then(m => m.serveCommand(${JSON.stringify(args)})).then(c => process.exit(c))`],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within ${timeoutMs} ms: ${out}`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && out.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}`));
    });
  }).catch((e: unknown) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw e;
  });
  child.stderr!.resume();
  return { child, url, banner: out };
}
