import type { Json } from '../sdk/index.js';

/**
 * The one place where values cross the database boundary: timestamps go in as ISO strings and come
 * back as Dates (SQLite gives the string back, PostgreSQL a Date); JSON goes in as text and comes
 * back from text (both dialects hand JSON columns back unparsed); ids and counts come back as numbers.
 */
export function writeTime(date: Date): string {
  return date.toISOString();
}

export function readTime(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function readTimeOrNull(value: Date | string | null): Date | null {
  return value === null ? null : readTime(value);
}

/** JSON text of a value (records, checkpoints, counts, run errors). */
export function writeJson(value: Json | object): string {
  return JSON.stringify(value);
}

export function readJson<T = Json>(text: string): T {
  return JSON.parse(text) as T;
}

export function readJsonOrNull<T = Json>(text: string | null): T | null {
  return text === null ? null : readJson<T>(text);
}

export function readInt(value: number | string | bigint): number {
  return Number(value);
}

export function readIntOrNull(value: number | string | bigint | null): number | null {
  return value === null ? null : Number(value);
}
