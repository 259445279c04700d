// The reference workflow runtime: Kinde's docs examples, and bindings that must be declared and offered.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../adapters/types.js';
import { closeSandbox, compileWorkflow, runWorkflow } from '../reference/workflows/index.js';
import type { RunInput } from '../reference/workflows/index.js';
import { USER_EVENT, M2M_EVENT, USER_TOKENS, userWorkflow, expectFailure } from './lib/workflow-runtime-fixtures.js';

afterAll(() => closeSandbox());

describe('the docs examples', () => {
  it('access token: companyName (verbatim tutorial example)', async () => {
    const wf = await compileWorkflow(`
import { onUserTokenGeneratedEvent, WorkflowSettings, WorkflowTrigger, accessTokenCustomClaims } from "@kinde/infrastructure";
export const workflowSettings: WorkflowSettings = {
  id: "addCustomClaimWorkflow", name: "Add Custom Claim Workflow",
  trigger: WorkflowTrigger.UserTokenGeneration, failurePolicy: { action: "stop" },
  bindings: { "kinde.accessToken": {}, url: {} },
};
export default async function Workflow(event: onUserTokenGeneratedEvent) {
  const accessToken = accessTokenCustomClaims<{ companyName: string }>();
  accessToken.companyName = "Acme Inc.";
}`);
    expect(wf.settings).toEqual({
      id: 'addCustomClaimWorkflow',
      name: 'Add Custom Claim Workflow',
      trigger: 'user:tokens_generation',
      failurePolicy: 'stop',
      bindings: ['kinde.accessToken', 'url'],
    });
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result).toMatchObject({
      ok: true,
      writes: [{ binding: 'kinde.accessToken', name: 'companyName', value: 'Acme Inc.' }],
    });
  });

  it('ID token: house and name', async () => {
    const wf = await compileWorkflow(
      userWorkflow(
        `const idToken = idTokenCustomClaims<{ house: string; name: string }>();
  idToken.house = "Gryffindor";
  idToken.name = "Harry Potter";`,
        '"kinde.idToken": {}, url: {}',
      ),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.ok).toBe(true);
    expect(result.writes).toEqual([
      { binding: 'kinde.idToken', name: 'house', value: 'Gryffindor' },
      { binding: 'kinde.idToken', name: 'name', value: 'Harry Potter' },
    ]);
  });

  it('removing claims: permissions = [] and feature_flags = {}', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`const accessToken = accessTokenCustomClaims<{ permissions: string[]; feature_flags: Record<string, unknown> }>();
  accessToken.permissions = [];
  accessToken.feature_flags = {};`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.ok).toBe(true);
    expect(result.writes).toEqual([
      { binding: 'kinde.accessToken', name: 'permissions', value: [] },
      { binding: 'kinde.accessToken', name: 'feature_flags', value: {} },
    ]);
  });

  it('M2M: m2mTokenClaims with WorkflowTrigger.M2MTokenGeneration', async () => {
    const wf = await compileWorkflow(`
import { onM2MTokenGeneratedEvent, WorkflowSettings, WorkflowTrigger, m2mTokenClaims } from "@kinde/infrastructure";
export const workflowSettings: WorkflowSettings = {
  id: "m2mTokenGeneration", name: "M2M custom claims", failurePolicy: { action: "stop" },
  trigger: WorkflowTrigger.M2MTokenGeneration, bindings: { "kinde.m2mToken": {}, url: {} },
};
export default async function Workflow(event: onM2MTokenGeneratedEvent) {
  const m2mToken = m2mTokenClaims<{ applicationId: string; orgCode: string }>();
  m2mToken.applicationId = event.context.application.clientId;
  m2mToken.orgCode = "org_123";
}`);
    expect(wf.settings.trigger).toBe('m2m:token_generation');
    const result = await runWorkflow(wf, { event: M2M_EVENT, tokens: { 'kinde.m2mToken': { sub: 'm2m_1' } } });
    expect(result.ok).toBe(true);
    expect(result.writes).toEqual([
      { binding: 'kinde.m2mToken', name: 'applicationId', value: 'm2m_1' },
      { binding: 'kinde.m2mToken', name: 'orgCode', value: 'org_123' },
    ]);
  });

  it('low-level binding: kinde.accessToken.setCustomClaim("hello", "Hello there!")', async () => {
    const wf = await compileWorkflow(userWorkflow(`kinde.accessToken.setCustomClaim("hello", "Hello there!");`));
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.writes).toEqual([{ binding: 'kinde.accessToken', name: 'hello', value: 'Hello there!' }]);
  });
});

describe('bindings: declared AND offered', () => {
  it('an undeclared binding is not available (the library throws its own error), no writes', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`accessTokenCustomClaims<{ a: string }>().a = "x";`, '"kinde.idToken": {}'),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(expectFailure(result, 'ERR_WORKFLOW_THREW')).toContain('accessToken binding not available');
    expect(result.writes).toEqual([]);
  });

  it('a declared binding the issuer does not offer for the trigger is not available', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`m2mTokenClaims<{ a: string }>().a = "x";`, '"kinde.m2mToken": {}, "kinde.accessToken": {}'),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(expectFailure(result, 'ERR_WORKFLOW_THREW')).toContain('m2mToken binding not available');
    expect(result.writes).toEqual([]);
  });

  it('kinde exposes exactly the intersection of offered and declared token bindings', async () => {
    const all = ['kinde.accessToken', 'kinde.idToken', 'kinde.m2mToken'] as const;
    const wf = await compileWorkflow(
      userWorkflow(
        `console.log(JSON.stringify(Object.keys(kinde).sort()));`,
        '"kinde.accessToken": {}, "kinde.m2mToken": {}, url: {}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.subarray([...all]), async (offered) => {
        const tokens: RunInput['tokens'] = {};
        for (const b of offered) tokens[b] = { sub: 'x' };
        const result = await runWorkflow(wf, { event: USER_EVENT, tokens });
        const expected = offered
          .filter((b) => b !== 'kinde.idToken')
          .map((b) => b.slice(6))
          .sort();
        expect(result.logs).toEqual([`log: ${JSON.stringify(expected)}`]);
      }),
      { numRuns: 16 },
    );
  });

  it('getCustomClaims returns a fresh copy of the offered claims; changing it or the event writes nothing', async () => {
    const wf = await compileWorkflow(
      userWorkflow(`const first = kinde.accessToken.getCustomClaims() as any;
  first.injected = 1;
  (event as any).context.user.id = "kp_changed";
  const second = kinde.accessToken.getCustomClaims() as any;
  console.log(JSON.stringify([first === second, second.injected ?? null, second.permissions, accessTokenCustomClaims<{ sub: string }>().sub]));`),
    );
    const result = await runWorkflow(wf, { event: USER_EVENT, tokens: USER_TOKENS });
    expect(result.ok).toBe(true);
    expect(result.writes).toEqual([]);
    expect(result.logs).toEqual([`log: ${JSON.stringify([false, null, ['read:things'], 'kp_123'])}`]);
    expect((USER_EVENT.context as JsonObject).user).toEqual({ id: 'kp_123', identityId: 'identity_1' });
  });
});
