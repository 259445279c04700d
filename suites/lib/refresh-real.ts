/** The target as refresh commands see it, and what they share: trace lines, token labels, access-token facts, blame. */
import type fc from 'fast-check';
import type { Application, SignInRequest, Tenant } from '../../adapters/types.js';
import type { CheckEnv } from './check.js';
import type { IssuedAccess, RefreshModel } from './refresh-model.js';
import { decodeToken, isDecoded } from './tokens.js';
import type { Judge } from './violation.js';

/** The system under test as the commands see it. */
export interface Real {
  env: CheckEnv;
  judge: Judge;
  app: Application;
  request: SignInRequest;
  /** The provisioned tenant (revocation commands pick another client of it). */
  tenant?: Tenant;
  /** Label → raw token. Never traced. */
  raw: Map<string, string>;
  /** Requirements blamed (first one in focus) when a token the model calls valid is refused. */
  refusalBlame: readonly string[];
  /** Wall-clock start of the sequence (ms), for the drift allowance. */
  startedMs: number;
  /** Wall clock in ms; injectable for tests. */
  wallMs: () => number;
}

export type RefreshCommand = fc.AsyncCommand<RefreshModel, Real>;

export function trace(r: Real, line: string): void {
  (r.judge.trace.commands ??= []).push(line);
}

/** Replace the last trace line with its outcome appended. */
export function traceOutcome(r: Real, outcome: string): void {
  const lines = r.judge.trace.commands;
  if (lines && lines.length > 0) lines[lines.length - 1] = `${lines[lines.length - 1]} → ${outcome}`;
}

export function labelOfRaw(r: Real, raw: string): string | undefined {
  for (const [label, value] of r.raw) if (value === raw) return label;
  return undefined;
}

/** `exp - iat` of the access token (falls back to the app's configured lifetime when it does not decode). */
export function issuedAccess(raw: string, app: Application): IssuedAccess {
  const d = decodeToken(raw);
  if (!isDecoded(d)) return { lifetime: app.lifetimes.accessToken };
  const { exp, iat, jti } = d.payload;
  const out: IssuedAccess = {
    lifetime: typeof exp === 'number' && typeof iat === 'number' ? exp - iat : app.lifetimes.accessToken,
  };
  if (typeof jti === 'string') out.jti = jti;
  if (typeof iat === 'number') out.iat = iat;
  return out;
}

export function blame(r: Real): string | undefined {
  return r.refusalBlame.find((id) => r.judge.focused(id));
}
