/**
 * Settings of the `kinde` target, from environment variables only. Secrets are
 * never echoed: errors name the variable, never its value.
 */
import { AdapterError } from '../types.js';

export interface KindeClient {
  clientId: string;
  clientSecret: string;
}

export interface KindeConfig {
  /** `https://<subdomain>.kinde.com` (or a custom domain); http only for loopback. No trailing slash. */
  domain: string;
  audience: string[];
  m2m: KindeClient;
  orgScoped?: KindeClient & { expectOrgCode?: string };
}

export const KINDE_ENV = {
  domain: 'KINDE_DOMAIN',
  clientId: 'KINDE_M2M_CLIENT_ID',
  clientSecret: 'KINDE_M2M_CLIENT_SECRET',
  audience: 'KINDE_AUDIENCE',
  orgClientId: 'KINDE_ORG_SCOPED_CLIENT_ID',
  orgClientSecret: 'KINDE_ORG_SCOPED_CLIENT_SECRET',
  expectOrgCode: 'KINDE_EXPECT_ORG_CODE',
} as const;

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])$/;

export function kindeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): KindeConfig {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const required = [KINDE_ENV.domain, KINDE_ENV.clientId, KINDE_ENV.clientSecret, KINDE_ENV.audience];
  const missing = required.filter((n) => get(n) === undefined);
  if (missing.length > 0) {
    throw new AdapterError(
      'ERR_UNKNOWN_TARGET',
      `--target=kinde needs the environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(the environment's domain, an M2M app's client ID and secret, and an API audience it is authorized for; ` +
        `optional: ${KINDE_ENV.orgClientId} + ${KINDE_ENV.orgClientSecret} for an org-scoped M2M app, ${KINDE_ENV.expectOrgCode})`,
    );
  }
  const domain = parseDomain(get(KINDE_ENV.domain)!);
  const orgId = get(KINDE_ENV.orgClientId);
  const orgSecret = get(KINDE_ENV.orgClientSecret);
  if ((orgId === undefined) !== (orgSecret === undefined)) {
    const absent = orgId === undefined ? KINDE_ENV.orgClientId : KINDE_ENV.orgClientSecret;
    throw new AdapterError('ERR_UNKNOWN_TARGET', `--target=kinde: ${absent} is not set; an org-scoped M2M app needs both ${KINDE_ENV.orgClientId} and ${KINDE_ENV.orgClientSecret}`);
  }
  const expectOrgCode = get(KINDE_ENV.expectOrgCode);
  if (expectOrgCode !== undefined && orgId === undefined) {
    throw new AdapterError('ERR_UNKNOWN_TARGET', `--target=kinde: ${KINDE_ENV.expectOrgCode} is set but ${KINDE_ENV.orgClientId} and ${KINDE_ENV.orgClientSecret} are not`);
  }
  const audience = get(KINDE_ENV.audience)!.split(/[\s,]+/).filter(Boolean);
  return {
    domain,
    audience,
    m2m: { clientId: get(KINDE_ENV.clientId)!, clientSecret: get(KINDE_ENV.clientSecret)! },
    ...(orgId !== undefined && orgSecret !== undefined
      ? { orgScoped: { clientId: orgId, clientSecret: orgSecret, ...(expectOrgCode !== undefined ? { expectOrgCode } : {}) } }
      : {}),
  };
}

/** An https origin, or an http one on a loopback host (a local stand-in such as `serve`). */
function parseDomain(raw: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new AdapterError('ERR_UNKNOWN_TARGET', `${KINDE_ENV.domain} is not a URL or host name (e.g. https://myapp.kinde.com)`);
  }
  const loopback = LOOPBACK.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new AdapterError('ERR_UNKNOWN_TARGET', `${KINDE_ENV.domain} must be https:// (http:// is allowed only for a loopback stand-in such as 127.0.0.1)`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new AdapterError('ERR_UNKNOWN_TARGET', `${KINDE_ENV.domain} must be a plain origin such as https://myapp.kinde.com (no credentials, query or fragment)`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function isLoopbackOrigin(origin: string): boolean {
  return LOOPBACK.test(new URL(origin).hostname);
}
