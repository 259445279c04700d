/**
 * One generated request through the reference issuer, twice: first with a
 * probe workflow that copies the event it receives into the token (so the
 * event and the token claims a workflow sees come from the issuer itself,
 * never from a re-implementation here), then with the workflow under check
 * (what actually lands, or how the sign-in is refused).
 */
import { decodeJwt } from 'jose';
import type { JsonObject, TokenSet, TokenType } from '../adapters/types.js';
import { IssuerError } from '../reference/errors.js';
import { ReferenceIssuer, type GrantRequest } from '../reference/issuer.js';
import { ISSUER_COMPUTED } from '../reference/prohibited.js';
import type { TokenBinding } from '../reference/workflows/index.js';
import { M2M_TRIGGER, USER_TRIGGER } from './bindings.js';
import type { CheckCase } from './scenario.js';

export const PROBE_CLAIM = 'ktc_check_workflow_probe';

export type Origin = 'authorization_request' | 'refresh_token_request' | 'client_credentials';

/** What the workflow is given for one token request. */
export interface Step {
  origin: Origin;
  event: JsonObject;
  tokens: Partial<Record<TokenBinding, JsonObject>>;
  /** Size of each token the issuer would sign without any workflow. */
  baselineBytes: Partial<Record<TokenType, number>>;
}

export interface Observed {
  steps: Step[];
  /** Why the issuer runs no workflow for this request (the Management API audience). */
  notRun?: string;
}

export interface IssuedToken {
  jwt: string;
  bytes: number;
  payload: JsonObject;
}

export type StepOutcome =
  | { origin: Origin; ok: true; tokens: Partial<Record<TokenType, IssuedToken>> }
  | { origin: Origin; ok: false; status: number; error: string; description: string };

/** The reference refused something check-workflow generated (not the workflow's doing): a bug here, reported loudly. */
export class HarnessError extends Error {
  readonly code = 'ERR_CHECK_WORKFLOW_HARNESS';
}

/** The reference refuses to deploy the workflow (its build or settings checks). */
export class DeployError extends Error {
  readonly code = 'ERR_CHECK_WORKFLOW_DEPLOY';
}

function probeSource(trigger: string): string {
  const bindings = trigger === M2M_TRIGGER ? ['kinde.m2mToken'] : ['kinde.accessToken', 'kinde.idToken'];
  const writes = bindings.map((b) => `  if (kinde.${b.slice(6)}) kinde.${b.slice(6)}.setCustomClaim(${JSON.stringify(PROBE_CLAIM)}, event);`);
  return [
    'export const workflowSettings = {',
    "  id: 'ktcCheckWorkflowProbe',",
    `  trigger: ${JSON.stringify(trigger)},`,
    "  failurePolicy: { action: 'stop' },",
    `  bindings: { ${bindings.map((b) => `${JSON.stringify(b)}: {}`).join(', ')} },`,
    '};',
    'export default async function probe(event) {',
    ...writes,
    '}',
  ].join('\n');
}

function b64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

function decode(jwt: string): IssuedToken {
  return { jwt, bytes: Buffer.byteLength(jwt, 'ascii'), payload: decodeJwt(jwt) as JsonObject };
}

/** Bytes of `token` re-signed without `claim` (same header and signature length; jose serializes with JSON.stringify). */
function bytesWithout(token: IssuedToken, claim: string): number {
  const { [claim]: _dropped, ...rest } = token.payload;
  const [header, , signature] = token.jwt.split('.');
  return (header?.length ?? 0) + 1 + b64urlLength(Buffer.byteLength(JSON.stringify(rest), 'utf8')) + 1 + (signature?.length ?? 0);
}

function withoutClaims(payload: JsonObject, drop: Iterable<string>): JsonObject {
  const out: JsonObject = { ...payload };
  for (const k of drop) delete out[k];
  return out;
}

type TokenAnswer = { ok: true; body: TokenSet } | { ok: false; error: IssuerError };

/** Time budget of the probe: it does next to nothing, so only a stalled machine could reach it. */
const PROBE_TIMEOUT_MS = 10_000;

export class Harness {
  readonly #probe: ReferenceIssuer;
  readonly #check: ReferenceIssuer;

  private constructor(probe: ReferenceIssuer, check: ReferenceIssuer) {
    this.#probe = probe;
    this.#check = check;
  }

  /** `workflowTimeoutMs`: the budget the issuer gives the workflow under check (what lands is judged there, not timeouts). */
  static async create(workflowTimeoutMs: number): Promise<Harness> {
    const [probe, check] = await Promise.all([
      ReferenceIssuer.create({ workflowTimeoutMs: PROBE_TIMEOUT_MS }),
      ReferenceIssuer.create({ workflowTimeoutMs }),
    ]);
    return new Harness(probe, check);
  }

  async #deploy(issuer: ReferenceIssuer, tenant: CheckCase['tenant'], source: string): Promise<void> {
    try {
      issuer.provision(tenant);
    } catch (e) {
      throw new HarnessError(`the reference refused a generated tenant: ${(e as Error).message}`);
    }
    try {
      await issuer.deployWorkflow(source);
    } catch (e) {
      throw new DeployError((e as Error).message);
    }
  }

  async #token(issuer: ReferenceIssuer, grant: GrantRequest): Promise<TokenAnswer> {
    try {
      return { ok: true, body: await issuer.token(grant) };
    } catch (e) {
      if (e instanceof IssuerError && e.code === 'access_denied' && e.message.startsWith('workflow "')) return { ok: false, error: e };
      throw new HarnessError(`the reference refused a generated ${grant.grant_type} request: ${(e as Error).message}`);
    }
  }

  /** Runs the case's token requests with `source` deployed; stops at the first refusal. */
  async #flow(issuer: ReferenceIssuer, c: CheckCase, source: string): Promise<Array<{ origin: Origin; result: TokenAnswer }>> {
    await this.#deploy(issuer, c.tenant, source);
    const app = c.tenant.applications.find((a) => a.clientId === c.request.clientId);
    if (!app) throw new HarnessError(`generated request names an unknown client ${c.request.clientId}`);
    if (c.kind === 'm2m') {
      const grant: GrantRequest = {
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        audience: c.request.audience,
        ...(c.request.scopes ? { scope: c.request.scopes } : {}),
        ...(c.request.orgCode !== undefined ? { org_code: c.request.orgCode } : {}),
      };
      return [{ origin: 'client_credentials', result: await this.#token(issuer, grant) }];
    }
    let code: string;
    try {
      code = issuer.authorize(c.request);
    } catch (e) {
      throw new HarnessError(`the reference refused a generated sign-in: ${(e as Error).message}`);
    }
    const secret = app.kind === 'frontend' ? {} : { client_secret: app.clientSecret };
    const first = await this.#token(issuer, { grant_type: 'authorization_code', code, client_id: app.clientId, ...secret });
    const out: Array<{ origin: Origin; result: TokenAnswer }> = [{ origin: 'authorization_request', result: first }];
    if (!c.refresh || !first.ok) return out;
    const refreshToken = first.body.refresh_token;
    if (refreshToken === undefined) throw new HarnessError('the reference issued no refresh token for a sign-in with scope offline');
    // Past the access token's expiry, so the refresh issues a new one (an unexpired one is handed back unchanged).
    issuer.clock.advance(app.lifetimes.accessToken);
    out.push({ origin: 'refresh_token_request', result: await this.#token(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId, ...secret }) });
    return out;
  }

  /** The events and token claims the issuer hands a workflow for this case. */
  async observe(c: CheckCase): Promise<Observed> {
    const flow = await this.#flow(this.#probe, c, probeSource(c.kind === 'm2m' ? M2M_TRIGGER : USER_TRIGGER));
    const steps: Step[] = [];
    for (const { origin, result } of flow) {
      if (!result.ok) throw new HarnessError(`the probe workflow was refused: ${result.error.message}`);
      const primary = decode(result.body.access_token);
      const event = primary.payload[PROBE_CLAIM];
      if (event === undefined) return { steps, notRun: 'the request asks for the Kinde Management API audience' };
      if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new HarnessError('the probe saw no event object');
      if (c.kind === 'm2m') {
        steps.push({
          origin,
          event,
          tokens: { 'kinde.m2mToken': withoutClaims(primary.payload, [PROBE_CLAIM]) },
          baselineBytes: { m2m: bytesWithout(primary, PROBE_CLAIM) },
        });
        continue;
      }
      const step: Step = {
        origin,
        event,
        tokens: { 'kinde.accessToken': withoutClaims(primary.payload, [PROBE_CLAIM]) },
        baselineBytes: { access: bytesWithout(primary, PROBE_CLAIM) },
      };
      if (result.body.id_token !== undefined) {
        const id = decode(result.body.id_token);
        step.tokens['kinde.idToken'] = withoutClaims(id.payload, [PROBE_CLAIM, ...ISSUER_COMPUTED.id]);
        step.baselineBytes.id = bytesWithout(id, PROBE_CLAIM);
      }
      steps.push(step);
    }
    return { steps };
  }

  /** The case with the workflow under check deployed: the tokens issued, or the refusal. */
  async issue(c: CheckCase, source: string): Promise<StepOutcome[]> {
    const flow = await this.#flow(this.#check, c, source);
    return flow.map(({ origin, result }): StepOutcome => {
      if (!result.ok) {
        return { origin, ok: false, status: result.error.status, error: result.error.code, description: result.error.message };
      }
      const tokens: Partial<Record<TokenType, IssuedToken>> = {};
      if (c.kind === 'm2m') tokens.m2m = decode(result.body.access_token);
      else {
        tokens.access = decode(result.body.access_token);
        if (result.body.id_token !== undefined) tokens.id = decode(result.body.id_token);
      }
      return { origin, ok: true, tokens };
    });
  }
}
