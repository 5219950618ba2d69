import { coreErrors } from './core-error-codes.js';
import type { CatalogEntry, ErrorKind } from './error-catalog.js';
import type { NextAction } from './next-action.js';

export type { ErrorKind } from './error-catalog.js';

export interface FlowErrorOptions {
  /** Defaults to the core catalog's kind for the code, else `system` (a connector's codes: `defineErrors(…).fail`). */
  kind?: ErrorKind;
  /** What the user can do about it, in words (no command: see `next`). Defaults to the catalog's fix. */
  hint?: string;
  /** What the user can do next, as data each adapter renders (a CLI command line, an API route). Defaults to the catalog's. */
  next?: readonly NextAction[];
  /** Where: `orders.yaml:12:5`, `flow orders/step map#2/record line:42`, a field path, … */
  where?: string;
  /** Field path within a record, e.g. `customer.email`. */
  field?: string;
  retryAfterMs?: number;
  /**
   * The service refuses calls until then (a quota exhausted until its reset): the connection's circuit
   * breaker opens until this time instead of burning retries.
   */
  blockedUntil?: Date;
  cause?: unknown;
}

/**
 * `options` with what they leave out taken from the catalog entry of the code: its kind, its fix as the
 * hint, and its next steps (which go with its fix: a hint of one's own says what to do instead). The core
 * codes get this in the constructor; a connector's through `defineErrors(…).fail`.
 */
export function withCatalogDefaults(entry: CatalogEntry | undefined, options: FlowErrorOptions): FlowErrorOptions {
  const kind = options.kind ?? entry?.kind;
  const hint = options.hint ?? entry?.fix;
  const next = options.next ?? (options.hint === undefined ? entry?.next : undefined);
  return {
    ...options,
    ...(kind === undefined ? {} : { kind }),
    ...(hint === undefined ? {} : { hint }),
    ...(next === undefined ? {} : { next }),
  };
}

/**
 * The one error type of Syncline. `code` is stable and documented (docs/errors.md);
 * `kind` decides the policy: transient → retry, record → error store, config → fail now, system → fail.
 */
export class FlowError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint?: string;
  readonly next?: readonly NextAction[];
  readonly where?: string;
  readonly field?: string;
  readonly retryAfterMs?: number;
  readonly blockedUntil?: Date;

  constructor(code: string, message: string, options: FlowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlowError';
    this.code = code;
    const { kind, hint, next } = withCatalogDefaults(
      (coreErrors.codes as Record<string, CatalogEntry | undefined>)[code],
      options,
    );
    this.kind = kind ?? 'system';
    if (hint !== undefined) this.hint = hint;
    if (next !== undefined && next.length > 0) this.next = next;
    if (options.where !== undefined) this.where = options.where;
    if (options.field !== undefined) this.field = options.field;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.blockedUntil !== undefined) this.blockedUntil = options.blockedUntil;
  }

  /** One line for logs and terminals: `[CODE] where: message (hint)`. */
  format(): string {
    const where = this.where ? `${this.where}: ` : '';
    const hint = this.hint ? `\n  hint: ${this.hint}` : '';
    return `[${this.code}] ${where}${this.message}${hint}`;
  }

  toJSON(): {
    code: string;
    kind: ErrorKind;
    message: string;
    hint?: string;
    next?: readonly NextAction[];
    where?: string;
    field?: string;
  } {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.next === undefined ? {} : { next: this.next }),
      ...(this.where === undefined ? {} : { where: this.where }),
      ...(this.field === undefined ? {} : { field: this.field }),
    };
  }
}

export function isFlowError(value: unknown): value is FlowError {
  return value instanceof FlowError;
}

/** Any thrown value as a FlowError; an unknown error becomes `system`/INTERNAL keeping its cause. */
export function toFlowError(value: unknown, where?: string): FlowError {
  if (value instanceof FlowError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new FlowError('INTERNAL', message, {
    kind: 'system',
    cause: value,
    ...(where === undefined ? {} : { where }),
  });
}

/** A list of errors reported together (e.g. every problem in a flow file). */
export class FlowErrors extends Error {
  readonly errors: readonly FlowError[];
  constructor(errors: readonly FlowError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'FlowErrors';
    this.errors = errors;
  }
}
