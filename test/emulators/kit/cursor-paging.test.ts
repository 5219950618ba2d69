import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sdk/clock.js';
import { cursorPage, decodeCursor, encodeCursor } from './cursor-paging.js';
import { createRecordSet, type Order } from './record-set.js';

const byChange: Order<{ n: number }>[] = [{ field: 'modifiedAt' }];

function numbers(count: number) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const set = createRecordSet<{ n: number }>({ clock });
  for (let n = 1; n <= count; n += 1) set.insert({ n }); // all at the same time: ties
  return { clock, set };
}

function readAll(set: ReturnType<typeof numbers>['set'], limit: number, between?: (page: number) => void) {
  const seen: number[] = [];
  let cursor: string | undefined;
  for (let page = 1; page < 100; page += 1) {
    const result = cursorPage(set.query({ orderBy: byChange }), byChange, cursor, limit);
    if (!result.ok) throw new Error(result.message);
    seen.push(...result.items.map((r) => r.data.n));
    if (result.nextCursor === undefined) return seen;
    cursor = result.nextCursor;
    between?.(page);
  }
  throw new Error('paging never ended');
}

describe('cursor paging', () => {
  it('pages through every record once, ties included, and the last page has no cursor', () => {
    const { set } = numbers(7);
    expect(readAll(set, 3)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(readAll(set, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const empty = cursorPage([], byChange, undefined, 5);
    expect(empty).toEqual({ ok: true, items: [] });
  });

  it('a record changed while paging moves behind the cursor: read once more, none skipped', () => {
    const { clock, set } = numbers(6);
    const seen = readAll(set, 2, (page) => {
      clock.advance(1000);
      if (page === 1) {
        set.update('1', { n: 1 }); // already read: comes again, as changed
        set.update('5', { n: 5 }); // not read yet: comes once, at the end
      }
    });
    expect(seen).toEqual([1, 2, 3, 4, 6, 1, 5]);
  });

  it('descending orders page the other way', () => {
    const { clock, set } = numbers(0);
    for (let n = 1; n <= 5; n += 1) {
      set.insert({ n });
      clock.advance(10);
    }
    const desc: Order<{ n: number }>[] = [{ field: 'modifiedAt', direction: 'desc' }];
    const first = cursorPage(set.query({ orderBy: desc }), desc, undefined, 2);
    expect(first.ok && first.items.map((r) => r.data.n)).toEqual([5, 4]);
    const second = cursorPage(set.query({ orderBy: desc }), desc, first.ok ? first.nextCursor : '', 2);
    expect(second.ok && second.items.map((r) => r.data.n)).toEqual([3, 2]);
  });

  it('refuses a cursor it did not give out', () => {
    const { set } = numbers(3);
    const sorted = set.query({ orderBy: byChange });
    expect(cursorPage(sorted, byChange, 'not-a-cursor', 2)).toEqual({
      ok: false,
      message: 'cursor "not-a-cursor" is not one this server gave out',
    });
    expect(cursorPage(sorted, byChange, encodeCursor([1, 2, 3]), 2).ok).toBe(false);
    expect(decodeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', 4]))).toEqual(['2026-01-01T00:00:00.000Z', 4]);
  });
});
