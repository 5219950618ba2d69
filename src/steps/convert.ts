import type { Json } from '../sdk/index.js';

/**
 * Value conversions shared by transforms, expressions and filters. Each returns `undefined`
 * when the value cannot be converted, `null` for an empty string.
 */
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function toNumber(value: Json): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return value === null ? null : undefined;
  const text = value.trim();
  if (text === '') return null;
  return NUMERIC.test(text) ? Number(text) : undefined;
}

const TRUE = new Set(['true', 'yes', 'y', 'on', '1']);
const FALSE = new Set(['false', 'no', 'n', 'off', '0']);

export function toBoolean(value: Json): boolean | null | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return value === null ? null : undefined;
  const text = value.trim().toLowerCase();
  if (text === '') return null;
  return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
}

/** Strings as is, numbers and booleans printed, arrays and objects as JSON. */
export function toText(value: Json): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Round half away from zero at `digits` decimals, without binary surprises (1.005 → 1.01). */
export function roundTo(n: number, digits: number): number {
  if (digits === 0) return Math.sign(n) * Math.round(Math.abs(n));
  const shifted = Math.round(Number(`${Math.abs(n)}e${digits}`));
  return Math.sign(n) * Number(`${shifted}e${-digits}`);
}
