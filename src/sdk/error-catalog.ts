/**
 * Error catalogs: the documented, stable error codes. Each catalog has one home — the sdk's core codes
 * (src/sdk/core-error-codes.ts), a kit area's codes shared by several connectors (src/kit/sql, src/kit/http)
 * or one connector's own codes (src/connectors/<name>/error-codes.ts) — and a connector contributes the
 * catalogs of the codes it raises through its `Connector.errors`. `docs/errors.md` is generated from the
 * core catalog plus every registered connector's (`npm run docs`); a test keeps the two in step and fails
 * when two catalogs define one code. Codes never change meaning.
 */
import type { NextAction } from './next-action.js';

export type ErrorKind = 'config' | 'transient' | 'record' | 'system';

export interface CatalogEntry {
  readonly kind: ErrorKind;
  readonly summary: string;
  /** What to do, in words; a command to run goes in `next`. */
  readonly fix: string;
  /** What the user can do next, as data the adapters render (docs/errors.md shows the CLI command). */
  readonly next?: readonly NextAction[];
}

export interface ErrorCatalog<Code extends string = string> {
  /** Where the codes live, as a folder of src/: `sdk`, `kit/sql`, `connectors/http`, … */
  readonly owner: string;
  readonly codes: { readonly [K in Code]: CatalogEntry };
}
