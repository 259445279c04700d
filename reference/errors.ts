/**
 * Errors of the reference issuer. Each carries an OAuth error code and the
 * HTTP status a token endpoint would answer with, so the in-process adapter and
 * the HTTP server report refusals the same way.
 */
export type IssuerErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'invalid_tenant'
  | 'too_many_workflows';

export class IssuerError extends Error {
  readonly code: IssuerErrorCode;
  readonly status: number;
  constructor(code: IssuerErrorCode, message: string, status = 400) {
    super(message);
    this.name = 'IssuerError';
    this.code = code;
    this.status = status;
  }
}
