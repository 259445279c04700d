/**
 * RESP-JSON: a token endpoint answer, success or OAuth error, is labelled
 * application/json (RFC 6749 §5.1: the parameters are in the entity-body
 * "using the application/json media type"; §5.2 the same for errors). Judged
 * where the suite sees HTTP headers (capability httpSurface); in-process
 * answers carry none and are not judged.
 */
import { mediaTypeOf } from '../../adapters/http/transport.js';
import type { TokenResult } from '../../adapters/types.js';
import type { Judge } from './violation.js';

export const RESP_JSON = 'RESP-JSON';

export function judgeJsonType(judge: Judge, result: TokenResult, what: string): void {
  if (!judge.focused(RESP_JSON) || result.headers === undefined) return;
  const ct = result.headers['content-type'];
  judge.check(mediaTypeOf(ct) === 'application/json', RESP_JSON, 'ERR_RESPONSE_INVALID', () => `the ${what} answer (HTTP ${result.status}) has Content-Type ${JSON.stringify(ct) ?? '(absent)'}, not application/json`, { claim: 'content-type', expected: 'application/json', actual: ct ?? null });
}
