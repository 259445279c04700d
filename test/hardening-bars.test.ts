import { describe, expect, it } from 'vitest';
import { timedOutChecks, timedOutChecksLimit, timeoutsPerLane, wallBar } from '../hardening/bars.js';
import { consecutiveLimit } from '../runner/health.js';
import { defaultConcurrency } from '../runner/run.js';

describe('hardening bars (hardening/bars.ts): made of the fixed cost now and the timeouts the health rule allows', () => {
  const lanes = defaultConcurrency();
  const perCall = Math.ceil(consecutiveLimit(lanes) / lanes);

  it('a stall at the start: F + 2 timeouts, no probe rounds', () => {
    const b = wallBar({ stall: 'start', timeoutMs: 10_000, fixedMs: 4_000, probeMs: 500 });
    expect(b.ms).toBe(4_000 + 2 * 10_000);
    expect(b.how).toContain('F 4.0');
  });

  it('a stalled call: F + (⌈N/lanes⌉ + 1) rounds of a timeout and the healthy part of a check', () => {
    const noControl = wallBar({ stall: 'call', timeoutMs: 10_000, fixedMs: 4_000, probeMs: 500 });
    expect(noControl.ms).toBe(4_000 + (perCall + 1) * (10_000 + 2 * 500));
    // The control's slowest check, scaled by how much slower F is now than around the control.
    const control = { wallMs: 60_000, fixedMs: 2_000, slowestCheckMs: 3_000 };
    const paced = wallBar({ stall: 'call', timeoutMs: 10_000, fixedMs: 4_000, probeMs: 500, control });
    expect(paced.ms).toBe(4_000 + (perCall + 1) * (10_000 + 3_000 * 2));
    expect(timeoutsPerLane('call').timeouts).toBe(perCall + 1);
  });

  it('a target that dies: bounded from the moment it died', () => {
    expect(wallBar({ stall: 'death', timeoutMs: 10_000, fixedMs: 4_000, probeMs: 500, diedAtMs: 30_000 }).ms).toBe(30_000 + 4_000 + 20_000);
  });

  it('a target that answers wrongly: the control in units of F times F now, never less than the control', () => {
    const control = { wallMs: 60_000, fixedMs: 6_000, slowestCheckMs: 1_000 };
    const slower = wallBar({ stall: 'answers', timeoutMs: 10_000, fixedMs: 12_000, probeMs: 500, control });
    expect(slower.ms).toBe(120_000 + (perCall + 1) * (10_000 + 2_000));
    const quieter = wallBar({ stall: 'answers', timeoutMs: 10_000, fixedMs: 3_000, probeMs: 500, control });
    expect(quieter.ms).toBe(60_000 + (perCall + 1) * (10_000 + 1_000));
  });

  it('counts the checks that ended on a timeout themselves, not those not attempted after it', () => {
    const t = (test: string, reason?: string) => ({ tests: [test], ...(reason !== undefined ? { reason } : {}) });
    const requirements = [
      t('a > one', 'ERR_TARGET_TIMEOUT: POST http://x/oauth2/token: no complete answer within 10000 ms'),
      t('a > one', 'ERR_TARGET_TIMEOUT: POST http://x/oauth2/token: no complete answer within 10000 ms'),
      t('a > two', 'ERR_TARGET_TIMEOUT: GET http://x/.well-known/jwks: no complete answer within 10000 ms'),
      t('a > three', 'ERR_TARGET_TIMEOUT: not attempted: the target failed first in check "two": …'),
      t('a > four', 'ERR_TARGET_PROTOCOL: an answer that is not JSON'),
      t('a > five'),
    ];
    expect(timedOutChecks(requirements)).toBe(2);
    expect(timedOutChecksLimit()).toBe(consecutiveLimit(lanes) + lanes - 1);
  });
});
