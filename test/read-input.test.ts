import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError, readInputFile } from '../reports/read-input.js';

describe('readInputFile: files named on the command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ktc-input-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a regular file within the bound', async () => {
    const f = join(dir, 'ok.json');
    await writeFile(f, '{"a":1}');
    expect(readInputFile(f, 7)).toBe('{"a":1}');
  });

  it.each([
    ['a device', () => '/dev/zero', 'not a regular file'],
    ['a folder', () => dir, 'not a regular file'],
    ['a missing file', () => join(dir, 'missing.json'), 'ENOENT'],
  ])('refuses %s, naming it', (_what, path, reason) => {
    const err = (() => {
      try {
        readInputFile(path(), 1024);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as InputFileError).message).toContain(path());
    expect((err as InputFileError).reason).toContain(reason);
  });

  it('refuses a file over the bound before reading it', async () => {
    const f = join(dir, 'big.json');
    await writeFile(f, 'x'.repeat(100));
    expect(() => readInputFile(f, 99)).toThrow(`${f}: 100 bytes; at most 99 are read`);
  });
});
