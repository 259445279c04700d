/** Replay lines name an adapter module as typed from the cwd, never by its absolute path. */
import { describe, expect, it } from 'vitest';
import { fromCwd, replayCommand } from '../runner/options.js';

describe('replay lines relative to the cwd', () => {
  it('an absolute module path under the cwd becomes ./relative; outside, ../relative; names stay names', () => {
    expect(fromCwd('/home/me/app/adapters/v.mjs', '/home/me/app')).toBe('./adapters/v.mjs');
    expect(fromCwd('file:///home/me/app/v.mjs', '/home/me/app')).toBe('./v.mjs');
    expect(fromCwd('/home/me/other/v.mjs', '/home/me/app')).toBe('../other/v.mjs');
    expect(fromCwd('kinde-node-auth-utils', '/home/me/app')).toBe('kinde-node-auth-utils');
    expect(fromCwd('./v.mjs', '/home/me/app')).toBe('./v.mjs');
  });

  it('replayCommand uses it for --verifier and --target', () => {
    const line = replayCommand({ target: 'reference', verifier: `${process.cwd()}/my/verifier.mjs`, seed: 1, runs: 5, strict: false, only: [] } as never, 'VERIFY-ISS');
    expect(line).toContain('--verifier=./my/verifier.mjs');
    expect(line).not.toContain(process.cwd());
  });
});
