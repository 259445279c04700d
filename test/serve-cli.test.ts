/**
 * `serve`: options, --tenant errors naming the file and field, and the
 * command as a process that prints its URLs and stops cleanly on SIGTERM.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTenant, parseServeArgs, serveCommand, ServeUsageError } from '../reference/serve-cli.js';
import { spawnServe } from '../reference/server/spawn.js';
import { fixture, T } from './fixtures/server.js';

describe('serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ktc-serve-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('parses its options and refuses bad ones with a clear message', async () => {
    expect(await parseServeArgs(['--port', '0', '--mutant', 'jti-reused', '--refresh-overlap', '30'])).toMatchObject({ port: 0, host: '127.0.0.1', defects: ['jti-reused'], refreshOverlapSeconds: 30 });
    await expect(parseServeArgs(['--mutant', 'nope'])).rejects.toThrow(/^unknown defect "nope" for --mutant; 'kinde-token-conformance targets' lists them/);
    // One line, with a suggestion for a typo (the list of defects is what 'targets' prints).
    await expect(parseServeArgs(['--mutant', 'jti-reuse'])).rejects.toThrow(/^unknown defect "jti-reuse" for --mutant \(did you mean "jti-reused"\?\)[^\n]*$/);
    await expect(parseServeArgs(['--prot', '3'])).rejects.toThrow(/^unknown option --prot \(did you mean "--port"\?\); see --help$/);
    await expect(parseServeArgs(['--port', '70000'])).rejects.toThrow(ServeUsageError);
    await expect(parseServeArgs(['--refresh-overlap', '-1'])).rejects.toThrow(/--refresh-overlap/);
    await expect(parseServeArgs(['--bogus'])).rejects.toThrow(ServeUsageError);
  });

  it('--tenant errors name the file and the field', async () => {
    const missing = join(dir, 'missing.json');
    await expect(loadTenant(missing)).rejects.toThrow(`--tenant ${missing}: cannot read it (ENOENT)`);
    // A device is refused before it is read (/dev/zero was read until memory ran out).
    await expect(loadTenant('/dev/zero')).rejects.toThrow('--tenant /dev/zero: cannot read it (not a regular file');
    const notJson = file('broken.json', '{"subdomain": ');
    await expect(loadTenant(notJson)).rejects.toThrow(new RegExp(`--tenant ${notJson}: not valid JSON`));
    const wrong = file('wrong.json', JSON.stringify({ ...fixture(), users: [{ ...fixture().users[0]!, updatedAt: 'yesterday' }] }));
    await expect(loadTenant(wrong)).rejects.toThrow(/wrong\.json: not a valid tenant:\n\s+tenant\/users\/0\/updatedAt must be integer/);
    // Referential errors come from the issuer, still naming file and field; exit code 2.
    const dangling = file('dangling.json', JSON.stringify({ ...fixture(), applications: [{ ...fixture().applications[0]!, apis: ['nope'] }] }));
    const errors: string[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => errors.push(a.join(' '));
    try {
      expect(await serveCommand(['--tenant', dangling])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/dangling\.json: tenant\.applications\[0\]\.apis\[0\]: unknown API "nope"/);
  });

  it('runs as a process: prints the URLs, serves the --tenant, stops cleanly on SIGTERM', async () => {
    const tenantFile = file('tenant.json', JSON.stringify(fixture()));
    const { child, url, banner: out } = await spawnServe(process.cwd(), ['--port', '0', '--tenant', tenantFile], 120_000);
    try {
      expect(out).toContain(`${url}/.well-known/openid-configuration`);
      expect(out).toContain(`${url}/.well-known/jwks`);
      expect(out).toMatch(/curl -s -X POST .*client_id=robot/);
      const d = await fetch(`${url}/.well-known/openid-configuration`, { signal: T.signal() });
      expect(((await d.json()) as { issuer: string }).issuer).toBe('https://acme.kinde.com');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
