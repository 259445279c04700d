/**
 * Errors raised by the schema and catalog loaders. They signal a bug in this
 * repository (a broken catalog, a typo in a requirement id), never a finding
 * about a target, so callers should let them propagate.
 */

export type CatalogErrorCode =
  /** A catalog JSON file does not validate against its own schema. */
  | 'ERR_CATALOG_INVALID'
  /** A suite referenced a requirement id that the catalog does not define. */
  | 'ERR_UNKNOWN_REQUIREMENT'
  /** `validatorFor` was called with a kind that has no schema. */
  | 'ERR_UNKNOWN_SCHEMA';

export class CatalogError extends Error {
  readonly code: CatalogErrorCode;
  constructor(code: CatalogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogError';
    this.code = code;
  }
}
