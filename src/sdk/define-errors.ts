import type { CatalogEntry, ErrorCatalog } from './error-catalog.js';
import { FlowError, type FlowErrorOptions, withCatalogDefaults } from './errors.js';

/** A catalog with a typed factory: `fail('SQL_ERROR', …)` compiles only for a code of the catalog. */
export interface DefinedErrors<Code extends string> extends ErrorCatalog<Code> {
  /** A FlowError of one of these codes, taking the catalog's kind and fix (as hint) unless `options` say otherwise. */
  fail(code: Code, message: string, options?: FlowErrorOptions): FlowError;
}

/**
 * The error codes a connector (or a kit area shared by connectors) raises: list them in the connector's
 * `errors` so that docs/errors.md documents them, and build each error with `fail`, which gives it the
 * code's kind and default hint (`new FlowError` knows only the core codes).
 */
export function defineErrors<const Codes extends Record<string, CatalogEntry>>(
  owner: string,
  codes: Codes,
): DefinedErrors<Extract<keyof Codes, string>> {
  return {
    owner,
    codes,
    fail(code, message, options = {}) {
      return new FlowError(code, message, withCatalogDefaults(codes[code], options));
    },
  };
}
