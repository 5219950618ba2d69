import type { TypeCast } from 'mysql2';
import mysql from 'mysql2';
import { FlowError, type Json } from '../../sdk/index.js';

/** A quoted MySQL identifier: wrapped in backticks with inner backticks doubled, so any name is safe. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) {
    throw new FlowError('CONFIG_INVALID', `the name ${JSON.stringify(name)} contains a NUL character`, {
      hint: 'Use a table or column name without NUL characters.',
    });
  }
  return `\`${name.replaceAll('`', '``')}\``;
}

/** How a column takes JSON values (from information_schema `DATA_TYPE`). */
export type ColumnKind = 'datetime' | 'binary' | 'integer' | 'other';

export function columnKind(dataType: string): ColumnKind {
  const t = dataType.toLowerCase();
  if (t === 'datetime' || t === 'timestamp') return 'datetime';
  if (t.endsWith('blob') || t === 'binary' || t === 'varbinary') return 'binary';
  if (t.endsWith('int')) return 'integer';
  return 'other';
}

const isoDateTime = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d{1,9})?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * An ISO-8601 timestamp as a MySQL DATETIME literal in UTC (`2026-01-02 03:04:05.123456`), keeping
 * fractional digits; text that is not an ISO timestamp is returned unchanged (the server judges it).
 */
export function toMysqlDatetime(value: string): string {
  const m = isoDateTime.exec(value);
  if (!m) return value;
  const [, date, time, fraction = '', zone] = m;
  const seconds = (time as string).length === 5 ? `${time}:00` : (time as string);
  if (zone === undefined || zone === 'Z' || /^[+-]00:?00$/.test(zone) || zone === '+00' || zone === '-00') {
    return `${date} ${seconds}${fraction.slice(0, 7)}`;
  }
  const ms = Date.parse(`${date}T${seconds}${zone.length === 3 ? `${zone}:00` : zone}`);
  if (Number.isNaN(ms)) return value;
  const utc = new Date(ms).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)}${fraction.slice(0, 7)}`;
}

/** A MySQL DATETIME/TIMESTAMP text (read with time_zone +00:00) as ISO-8601 UTC; zero dates become null. */
export function fromMysqlDatetime(text: string): string | null {
  if (text.startsWith('0000-00-00')) return null;
  return `${text.slice(0, 10)}T${text.slice(11)}Z`;
}

/**
 * A JSON value as an escaped SQL literal (mysql2's escaper; the session runs without
 * NO_BACKSLASH_ESCAPES and in utf8mb4, so the encoding is exact): booleans as 1/0, objects and
 * arrays as JSON text, ISO timestamps reformatted for DATETIME columns, base64 decoded for BLOBs,
 * integer strings unquoted for integer columns (exact beyond 2^53).
 */
export function sqlLiteral(value: Json | undefined, kind: ColumnKind = 'other'): string {
  if (value === undefined || value === null) return 'NULL';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return 'NULL';
      return String(value);
    case 'boolean':
      return value ? '1' : '0';
    case 'string':
      if (kind === 'datetime') return mysql.escape(toMysqlDatetime(value));
      if (kind === 'binary') return mysql.escape(Buffer.from(value, 'base64'));
      if (kind === 'integer' && /^-?\d{1,20}$/.test(value)) return value;
      return mysql.escape(value);
    default:
      return mysql.escape(JSON.stringify(value));
  }
}

function bitsToNumber(b: Buffer): number | string {
  let n = 0n;
  for (const byte of b) n = (n << 8n) | BigInt(byte);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

/**
 * Rows as JSON: DATETIME/TIMESTAMP as ISO-8601 UTC strings (microseconds kept), DATE as
 * `YYYY-MM-DD`, BIT as a number, binary strings and BLOBs as base64, JSON columns parsed (also
 * MariaDB's, via extended metadata); BIGINT and DECIMAL are handled by supportBigNumbers.
 */
export const castField: TypeCast = (field, next) => {
  switch (field.type) {
    case 'DATETIME':
    case 'DATETIME2':
    case 'TIMESTAMP':
    case 'TIMESTAMP2': {
      const s = field.string('ascii');
      return s === null ? null : fromMysqlDatetime(s);
    }
    case 'DATE':
    case 'NEWDATE': {
      const s = field.string('ascii');
      return s === null || s.startsWith('0000') ? null : s;
    }
    case 'BIT': {
      const b = field.buffer();
      return b === null ? null : bitsToNumber(b);
    }
    default: {
      const v = next();
      return Buffer.isBuffer(v) ? v.toString('base64') : v;
    }
  }
};
