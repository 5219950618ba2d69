import { compareValues, fieldOf, type Order, type StoredRecord } from './record-set.js';

/**
 * Keyset cursor paging: the cursor is opaque to the client (base64url JSON of the last record's sort
 * key and insertion order), and the next page starts strictly after that key. A record inserted or
 * changed between two pages is neither skipped nor repeated when the order is by change time.
 */
export interface CursorPage<T> {
  readonly items: StoredRecord<T>[];
  /** The cursor of the next page; absent on the last page. */
  readonly nextCursor?: string;
}

export type CursorResult<T> = ({ ok: true } & CursorPage<T>) | { ok: false; message: string };

const keyOf = <T>(record: StoredRecord<T>, order: readonly Order<T>[]): unknown[] => [
  ...order.map((o) => {
    const v = fieldOf(record, o.field);
    return v instanceof Date ? v.toISOString() : v;
  }),
  record.seq,
];

export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] | undefined {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The page after `cursor` (the first page without one) of `sorted`, which is sorted by `order` then seq. */
export function cursorPage<T>(
  sorted: readonly StoredRecord<T>[],
  order: readonly Order<T>[],
  cursor: string | undefined,
  limit: number,
): CursorResult<T> {
  let start = 0;
  if (cursor !== undefined && cursor !== '') {
    const after = decodeCursor(cursor);
    if (after === undefined || after.length !== order.length + 1) {
      return { ok: false, message: `cursor "${cursor}" is not one this server gave out` };
    }
    const directions = [...order.map((o) => o.direction ?? 'asc'), 'asc'];
    const beyond = (r: StoredRecord<T>) => {
      const key = keyOf(r, order);
      for (let i = 0; i < key.length; i += 1) {
        const c = compareValues(key[i], after[i]);
        if (c !== 0) return directions[i] === 'desc' ? c < 0 : c > 0;
      }
      return false;
    };
    start = sorted.findIndex(beyond);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  const more = start + items.length < sorted.length;
  return { ok: true, items, ...(more && last ? { nextCursor: encodeCursor(keyOf(last, order)) } : {}) };
}
