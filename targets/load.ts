/**
 * Turns what the user named (`--target`, `--verifier`) into an adapter: a
 * built-in name from the registries, or a path to a module of the user's own
 * (`--target=./my-adapter.js`) exporting an {@link Adapter} or
 * {@link VerifierAdapter}, validated on load.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAdapter, type TargetOptions } from './registry.js';
import { AdapterError, type Adapter } from '../adapters/types.js';
import type { VerifierAdapter } from '../adapters/verifier-types.js';
import { createVerifier, type VerifierOptions } from '../adapters/verifiers/registry.js';

import { isModulePath } from './module-path.js';

export { isModulePath };

const ADAPTER_METHODS = ['start', 'provision', 'deployWorkflow', 'removeWorkflow', 'signIn', 'refresh', 'clientCredentials', 'jwks', 'stop'] as const;
const VERIFIER_METHODS = ['start', 'verify', 'stop'] as const;

/** What a user module may export: an instance, a class, or a factory (sync or async), as default or named `adapter`/`verifier`. */
type Exported = unknown;

async function importUserModule(spec: string, cwd: string): Promise<Record<string, unknown>> {
  const file = spec.startsWith('file:') ? new URL(spec) : resolve(cwd, spec);
  const path = typeof file === 'string' ? file : file.pathname;
  if (!existsSync(path)) throw new AdapterError('ERR_UNKNOWN_TARGET', `adapter module not found: ${isAbsolute(spec) ? spec : `${spec} (resolved to ${path})`}`);
  const url = pathToFileURL(path).href;
  try {
    if (/\.(m|c)?ts$/.test(path)) {
      // TypeScript modules of the user's: compiled on the fly by tsx (only here).
      const { tsImport } = await import('tsx/esm/api');
      return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    }
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new AdapterError('ERR_UNKNOWN_TARGET', `adapter module ${spec} could not be loaded: ${(e as Error).message}`);
  }
}

async function instantiate(mod: Record<string, unknown>, names: string[], options: unknown): Promise<Exported> {
  const key = ['default', ...names].find((k) => mod[k] !== undefined);
  let value = key === undefined ? undefined : mod[key];
  // `export default { default: … }` from CommonJS interop.
  if (value && typeof value === 'object' && 'default' in value && Object.keys(value).length === 1) value = (value as { default: unknown }).default;
  if (typeof value === 'function') {
    const fn = value as (o: unknown) => unknown;
    const isClass = /^class\b/.test(Function.prototype.toString.call(fn));
    try {
      value = isClass ? new (fn as unknown as new (o: unknown) => unknown)(options) : await fn(options);
    } catch (e) {
      throw new AdapterError('ERR_UNKNOWN_TARGET', `creating the ${key === 'default' ? 'default export' : key} failed: ${(e as Error).message}`);
    }
  }
  return value;
}

function validate<T>(value: unknown, methods: readonly string[], spec: string, kind: string): T {
  if (typeof value !== 'object' || value === null) {
    throw new AdapterError('ERR_UNKNOWN_TARGET', `${spec} must export (default, or named "${kind}") an ${kind} object, a class or a factory returning one; got ${value === null ? 'null' : typeof value}`);
  }
  const missing = methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw new AdapterError('ERR_UNKNOWN_TARGET', `${spec} exports an ${kind} without ${missing.map((m) => `${m}()`).join(', ')} (see docs/writing-an-adapter.md)`);
  }
  if (typeof (value as { name?: unknown }).name !== 'string') {
    throw new AdapterError('ERR_UNKNOWN_TARGET', `${spec} exports an ${kind} without a string "name"`);
  }
  return value as T;
}

/** The issuer adapter for `--target`: a registry name or a module path (resolved against `cwd`). */
export async function loadTarget(name: string, options: TargetOptions = {}, cwd = process.cwd()): Promise<Adapter> {
  if (!isModulePath(name)) return createAdapter(name, options);
  const mod = await importUserModule(name, cwd);
  return validate<Adapter>(await instantiate(mod, ['adapter', 'createAdapter'], options), ADAPTER_METHODS, name, 'adapter');
}

/** The verifier adapter for `--verifier`: a registry name or a module path. */
export async function loadVerifier(name: string, options: VerifierOptions = {}, cwd = process.cwd()): Promise<VerifierAdapter> {
  if (!isModulePath(name)) return createVerifier(name, options);
  const mod = await importUserModule(name, cwd);
  return validate<VerifierAdapter>(await instantiate(mod, ['verifier', 'createVerifier'], options), VERIFIER_METHODS, name, 'verifier');
}
