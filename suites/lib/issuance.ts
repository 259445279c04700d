/**
 * One generated issuance of every token type: a user signs in (access + ID
 * token) and an M2M app uses client credentials, each in its own generated
 * tenant, with generated workflows deployed that complete normally. Checks
 * that must hold "whatever a workflow does" judge the tokens this yields.
 */
import fc from 'fast-check';
import type { SignInRequest, TokenType } from '../../adapters/types.js';
import { shrinkingFirst } from '../../generators/shrink.js';
import { m2mScenarioArb, userScenarioArb, type M2mScenario, type UserScenario } from '../../generators/tenant.js';
import {
  renderWorkflow,
  type TokenBinding,
  workflowListArb,
  type EventPath,
  type WorkflowProgram,
  type WorkflowTriggerName,
} from '../../generators/workflow.js';
import type { JsonValue } from '../../adapters/types.js';
import type { CheckEnv } from './check.js';
import { expectWorkflows, finalClaims } from './expect-workflows.js';
import { clientCredentialsExpectingToken, deployWorkflows, provision, refreshAfterExpiry, signInExpectingTokens } from './flows.js';
import type { Decoded } from './tokens.js';
import type { Judge, Trace } from './violation.js';

export interface Issuance {
  user: UserScenario;
  m2m: M2mScenario;
  userWorkflows: WorkflowProgram[];
  m2mWorkflows: WorkflowProgram[];
}

/** Workflows that run to completion (no throw, no hang, every binding declared). */
export function completingWorkflowsArb(trigger: WorkflowTriggerName, maxLength = 2): fc.Arbitrary<WorkflowProgram[]> {
  return workflowListArb({ trigger, allowThrow: false, allowHang: false, undeclaredBindingRate: 0 }, { maxLength });
}

/** Always ask for `openid` so that an ID token is part of the issuance. */
export function withOpenId(s: UserScenario): UserScenario {
  return s.request.scopes.includes('openid') ? s : { ...s, request: { ...s.request, scopes: ['openid', ...s.request.scopes] } };
}

/** Ask for `offline` too, so that the issuance includes the tokens of a refresh. */
export function withOffline(s: UserScenario): UserScenario {
  return s.request.scopes.includes('offline') ? s : { ...s, request: { ...s.request, scopes: [...s.request.scopes, 'offline'] } };
}

export function issuanceArb(): fc.Arbitrary<Issuance> {
  return shrinkingFirst(
    {
      user: userScenarioArb().map(withOpenId).map(withOffline),
      m2m: m2mScenarioArb(),
      userWorkflows: completingWorkflowsArb('user:tokens_generation'),
      m2mWorkflows: completingWorkflowsArb('m2m:token_generation'),
    },
    ['userWorkflows', 'm2mWorkflows'],
  );
}

/** Sources with workflow ids made unique by position (a repeated id would replace the earlier workflow). */
export function sourcesOf(programs: WorkflowProgram[]): string[] {
  return programs.map((p, i) => renderWorkflow({ ...p, id: `${p.id}_${i}` }));
}

/** The event fields a documented `user:tokens_generation` event carries for this request. */
export function userEventValues(
  request: SignInRequest,
  origin: 'authorization_request' | 'refresh_token_request' = 'authorization_request',
): Record<EventPath, JsonValue | undefined> {
  return {
    'context.user.id': request.userId,
    'context.application.clientId': request.clientId,
    'context.organization.code': request.orgCode,
    'request.auth.audience': [...request.audience],
    'context.workflow.trigger': 'user:tokens_generation',
    'context.auth.origin': origin,
  };
}

export function m2mEventValues(clientId: string, audience: string[]): Record<EventPath, JsonValue | undefined> {
  return {
    'context.user.id': undefined,
    'context.application.clientId': clientId,
    'context.organization.code': undefined,
    'request.auth.audience': [...audience],
    'context.workflow.trigger': 'm2m:token_generation',
    'context.auth.origin': undefined,
  };
}

export interface IssuedToken {
  type: TokenType;
  token: Decoded;
  /** What produced this token, to restore into the judge's trace before judging it. */
  trace: Trace;
  /** Non-prohibited claims the deployed workflows legitimately set on this token (any value allowed). */
  written: ReadonlySet<string>;
}

function writtenNames(programs: WorkflowProgram[], trigger: WorkflowTriggerName, event: Record<EventPath, JsonValue | undefined>, binding: TokenBinding): Set<string> {
  const e = expectWorkflows(programs, trigger, event);
  return e.refusal ? new Set() : new Set(finalClaims(e.writes, binding).keys());
}

/** Issue every token type the target can; returns the decoded tokens by type. */
export async function issueAll(
  env: CheckEnv,
  judge: Judge,
  input: Issuance,
  requirements: string[],
): Promise<{ tokens: IssuedToken[] }> {
  const tokens: IssuedToken[] = [];
  const snap = () => structuredClone(judge.trace);
  const caps = env.info.capabilities;
  if (caps.userTokens) {
    await provision(env, judge, input.user.tenant);
    if (caps.workflows) await deployWorkflows(env, judge, sourcesOf(input.userWorkflows));
    const t = await signInExpectingTokens(env, judge, input.user.request, requirements);
    if (t) {
      const trace = snap();
      const event = userEventValues(input.user.request);
      const names = (b: TokenBinding) => (caps.workflows ? writtenNames(input.userWorkflows, 'user:tokens_generation', event, b) : new Set<string>());
      tokens.push({ type: 'access', token: t.access, trace, written: names('kinde.accessToken') });
      if (t.id) tokens.push({ type: 'id', token: t.id, trace, written: names('kinde.idToken') });
      // The tokens of a refresh past the access token's lifetime (a new access token; workflows run again, with origin refresh_token_request).
      const r = await refreshAfterExpiry(env, judge, input.user.application, t, requirements);
      if (r) {
        const refreshed = snap();
        const again = userEventValues(input.user.request, 'refresh_token_request');
        const later = (b: TokenBinding) => (caps.workflows ? writtenNames(input.userWorkflows, 'user:tokens_generation', again, b) : new Set<string>());
        if (r.access.raw !== t.access.raw) tokens.push({ type: 'access', token: r.access, trace: refreshed, written: later('kinde.accessToken') });
        if (r.id) tokens.push({ type: 'id', token: r.id, trace: refreshed, written: later('kinde.idToken') });
      }
    }
  }
  if (caps.m2m) {
    await provision(env, judge, input.m2m.tenant);
    if (caps.workflows) await deployWorkflows(env, judge, sourcesOf(input.m2mWorkflows));
    const t = await clientCredentialsExpectingToken(env, judge, input.m2m.request, requirements);
    if (t) {
      const event = m2mEventValues(input.m2m.request.clientId, input.m2m.request.audience);
      const written = caps.workflows ? writtenNames(input.m2mWorkflows, 'm2m:token_generation', event, 'kinde.m2mToken') : new Set<string>();
      tokens.push({ type: 'm2m', token: t.token, trace: snap(), written });
    }
  }
  return { tokens };
}
