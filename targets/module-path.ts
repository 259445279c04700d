/**
 * Whether a `--target`/`--verifier` names a module file rather than a registry
 * name: a leaf, so the run options (replay commands) and the replay of a
 * results file (which must never take a module from the file) share one test.
 */

/** A target or verifier given as a file path rather than a registry name. */
export function isModulePath(name: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/]|file:)/.test(name) || /\.(m|c)?[jt]s$/.test(name);
}
