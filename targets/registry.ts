/**
 * Target names → adapters. `reference` is the embedded issuer; `mutant:<defect>`
 * is the reference with one seeded defect (see reference/defects.ts).
 */
import { DEFECTS, isDefectName } from '../reference/defects.js';
import { HttpAdapter } from '../adapters/http.js';
import { KindeAdapter } from '../adapters/kinde.js';
import { ReferenceAdapter } from '../reference/adapter.js';
import { servedMutant } from './served-mutant.js';
import { lazy } from '../adapters/lazy.js';
import { AdapterError, type Adapter } from '../adapters/types.js';

export interface TargetDescription {
  name: string;
  description: string;
}

export function listTargets(): TargetDescription[] {
  return [
    { name: 'reference', description: 'the embedded reference issuer (default)' },
    { name: 'http', description: 'an issuer speaking target protocol v1 at --target-url (docs/target-protocol.md)' },
    { name: 'kinde', description: 'a live Kinde environment, M2M only (KINDE_DOMAIN, KINDE_M2M_CLIENT_ID/SECRET, KINDE_AUDIENCE)' },
    { name: 'oidc-provider', description: 'panva/oidc-provider in-process, configured through its hooks to issue Kinde-like tokens' },
    { name: 'oauth2-mock-server', description: 'oauth2-mock-server in-process, tokens shaped by its beforeTokenSigning/beforeResponse hooks' },
    ...Object.entries(DEFECTS).map(([d, defect]) => ({ name: `mutant:${d}`, description: `seeded defect: ${defect.description}` })),
  ];
}

/**
 * True for a name {@link createAdapter} knows (a built-in target): what a
 * results file may name for `--replay`, since a name from the registry runs
 * only this package's code.
 */
export function isTargetName(name: string): boolean {
  if (['reference', 'http', 'kinde', 'oidc-provider', 'oauth2-mock-server'].includes(name)) return true;
  return name.startsWith('mutant:') && isDefectName(name.slice('mutant:'.length));
}

/** Settings an out-of-process target needs. */
export interface TargetOptions {
  targetUrl?: string;
  timeoutMs?: number;
  validateProtocol?: boolean;
}

/** Every method of the Adapter contract (optional ones included). */
export const ADAPTER_METHODS = ['start', 'provision', 'deployWorkflow', 'removeWorkflow', 'signIn', 'refresh', 'clientCredentials', 'jwks', 'httpGet', 'advanceClock', 'rotateKeys', 'revoke', 'authorize', 'exchangeCode', 'tokenRequest', 'stop'] as const;

export function createAdapter(target: string, options: TargetOptions = {}): Adapter {
  if (target === 'reference') return new ReferenceAdapter();
  if (target === 'http') {
    if (options.targetUrl === undefined) {
      throw new AdapterError('ERR_UNKNOWN_TARGET', '--target=http needs --target-url=<base URL of a protocol v1 target> (docs/target-protocol.md)');
    }
    return new HttpAdapter({
      targetUrl: options.targetUrl,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.validateProtocol !== undefined ? { validateProtocol: options.validateProtocol } : {}),
    });
  }
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  if (target === 'oidc-provider') return lazy(target, ADAPTER_METHODS, async () => new (await import('../adapters/third-party/oidc-provider.js')).OidcProviderAdapter(timeout));
  if (target === 'oauth2-mock-server') return lazy(target, ADAPTER_METHODS, async () => new (await import('../adapters/third-party/oauth2-mock-server.js')).OAuth2MockServerAdapter(timeout));
  if (target === 'kinde') return new KindeAdapter(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  if (target.startsWith('mutant:')) {
    const defect = target.slice('mutant:'.length);
    if (isDefectName(defect)) {
      // A defect of the HTTP surface shows only over HTTP: serve it on loopback.
      if ((DEFECTS[defect] as { over?: 'http' }).over === 'http') return servedMutant(target, defect, options.timeoutMs);
      return new ReferenceAdapter(target, { defects: new Set([defect]) });
    }
  }
  throw new AdapterError(
    'ERR_UNKNOWN_TARGET',
    `unknown target "${target}". Known targets:\n${listTargets()
      .map((t) => `  ${t.name.padEnd(44)} ${t.description}`)
      .join('\n')}`,
  );
}
