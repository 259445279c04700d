/** Shared by the workflow runtime tests: user and M2M events and tokens, a user-token workflow template, error expectations. */
import { expect } from 'vitest';
import type { JsonObject } from '../../adapters/types.js';
import { compileWorkflow, WorkflowError } from '../../reference/workflows/index.js';
import type { RunInput, RunResult, WorkflowErrorCode } from '../../reference/workflows/index.js';

export const USER_EVENT: JsonObject = {
  request: { auth: { audience: ['https://api.example.com'] }, ip: '203.0.113.7' },
  context: {
    auth: { origin: 'authorization_request', connectionId: 'conn_1', isExistingSession: false },
    user: { id: 'kp_123', identityId: 'identity_1' },
    organization: { code: 'org_abc' },
    application: { clientId: 'client_1' },
    workflow: { trigger: 'user:tokens_generation' },
  },
};
export const M2M_EVENT: JsonObject = {
  request: { auth: { audience: ['https://api.example.com'], scope: ['read:things'] } },
  context: { application: { clientId: 'm2m_1' }, workflow: { trigger: 'm2m:token_generation' } },
};
export const USER_TOKENS: RunInput['tokens'] = {
  'kinde.accessToken': { sub: 'kp_123', permissions: ['read:things'], feature_flags: { dark: { t: 'b', v: true } } },
  'kinde.idToken': { sub: 'kp_123', name: 'Tom Riddle' },
};

/** A user-token workflow with the given bindings and body. */
export const userWorkflow = (body: string, bindings = '"kinde.accessToken": {}') => `
import { onUserTokenGeneratedEvent, WorkflowSettings, WorkflowTrigger, accessTokenCustomClaims, idTokenCustomClaims, m2mTokenClaims } from "@kinde/infrastructure";
export const workflowSettings: WorkflowSettings = {
  id: "test", trigger: WorkflowTrigger.UserTokenGeneration, bindings: { ${bindings} } as any,
};
export default async function Workflow(event: onUserTokenGeneratedEvent) {
${body}
}`;

export async function expectCompileError(source: string, code: WorkflowErrorCode, messagePart: string | RegExp): Promise<void> {
  const error = await compileWorkflow(source).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  expect((error as WorkflowError).code).toBe(code);
  expect((error as WorkflowError).message).toMatch(messagePart);
}

export function expectFailure(result: RunResult, code: WorkflowErrorCode): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code).toBe(code);
  return result.error.message;
}
