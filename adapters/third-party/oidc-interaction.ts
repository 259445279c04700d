/** The login/consent step of oidc-provider's sign-in, answered by the adapter itself (no UI). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { OIDC_SCOPES, type SignInSession } from './oidc-config.js';
import type { TenantView } from './tenant-view.js';

/** The login/consent UI, through the provider's interaction API. */
export async function answerInteraction(provider: Provider, view: TenantView, sessions: Map<string, SignInSession>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const params = details.params as Record<string, string | undefined>;
  if (details.prompt.name === 'login') {
    const userId = params.login_hint ?? '';
    const orgCode = params.org_code;
    const refusal = !view.user(userId)
      ? `unknown user "${userId}"`
      : orgCode !== undefined && !view.membership(userId, orgCode)
        ? `user "${userId}" is not a member of "${orgCode}"`
        : undefined;
    const result = refusal ? { error: 'access_denied', error_description: refusal } : { login: { accountId: userId } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  const { session, grantId: existing } = details;
  const accountId = session?.accountId;
  const clientId = params.client_id;
  if (!accountId || !clientId) throw new Error('consent without a signed-in account');
  const grant = existing ? await provider.Grant.find(existing) : new provider.Grant({ accountId, clientId });
  if (!grant) throw new Error('grant vanished');
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  const requested = (params.scope ?? '').split(' ').filter(Boolean);
  sessions.set(grantId, {
    ...(params.org_code !== undefined ? { orgCode: params.org_code } : {}),
    oidcScopes: requested.filter((s) => OIDC_SCOPES.includes(s) && s !== 'offline_access'),
  });
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
