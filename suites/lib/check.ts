/**
 * A conformance check: a fast-check property over generated inputs, judged
 * against one or more requirements, plus the capabilities it needs.
 */
import type fc from 'fast-check';
import type { Adapter, Capability, TargetInfo } from '../../adapters/types.js';
import type { VerifierAdapter, VerifierCapability, VerifierInfo } from '../../adapters/verifier-types.js';
import type { Judge } from './violation.js';

export interface CheckEnv {
  /** The issuer target (the reference issuer when a verifier is under test). */
  adapter: Adapter;
  info: TargetInfo;
  /** Set when a verifier is under test (`--verifier`). */
  verifier?: { adapter: VerifierAdapter; info: VerifierInfo };
}

export interface Check<T = unknown> {
  /** Short title, unique across the suite. */
  name: string;
  /** Requirement IDs this check decides (all of the same severity). */
  requirements: string[];
  /** Capabilities the target must declare; otherwise NOT_APPLICABLE. */
  needs: Capability[];
  /** Verifier checks: capabilities the verifier must declare. A check with this field needs a verifier under test. */
  verifierNeeds?: VerifierCapability[];
  /**
   * Applicability that depends on what the target declared beyond capabilities
   * (e.g. an overlap window): returns why the check does not apply, or undefined.
   */
  notApplicable?(env: CheckEnv): string | undefined;
  /** Scale the default number of runs (stateful sequences are costlier). */
  runsFactor?: number;
  arbitrary(env: CheckEnv): fc.Arbitrary<T>;
  /** Drive the target with `input` and judge what comes back. Throw only via `judge`. */
  predicate(input: T, judge: Judge, env: CheckEnv): Promise<void>;
}

/** Type-preserving helper so check modules read naturally. */
export function defineCheck<T>(check: Check<T>): Check<T> {
  return check;
}
