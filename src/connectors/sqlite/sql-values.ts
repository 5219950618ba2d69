import { FlowError, type Json } from '../../sdk/index.js';

export type SqlValue = null | number | string | bigint | Buffer;

/** A quoted SQL identifier: wrapped in `"` with inner quotes doubled, so any name is safe. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) {
    throw new FlowError('CONFIG_INVALID', `the name ${JSON.stringify(name)} contains a NUL character`, {
      hint: 'Use a table or column name without NUL characters.',
    });
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** A JSON value as SQLite stores it: booleans as 0/1, objects and arrays as JSON text. */
export function toSqlValue(value: Json | undefined): null | number | string {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'number':
    case 'string':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    default:
      return JSON.stringify(value);
  }
}

/** A SQLite value as JSON: BLOBs as base64 text; big integers as numbers when safe, else as text. */
export function fromSqlValue(value: unknown): Json {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
    case 'string':
      return value;
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    default:
      return Buffer.isBuffer(value) ? value.toString('base64') : String(value);
  }
}
