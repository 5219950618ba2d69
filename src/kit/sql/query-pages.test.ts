import { describe, expect, it } from 'vitest';
import { FlowError } from '../../sdk/errors.js';
import type { Page } from '../../sdk/page.js';
import { queryPager, rowCountCheckpoint } from './query-pages.js';

describe('query pages', () => {
  it('a checkpoint is a row count', () => {
    expect(rowCountCheckpoint(undefined, 'w')).toBe(0);
    expect(rowCountCheckpoint(5, 'w')).toBe(5);
    for (const bad of [-1, 1.5, 'x']) expect(() => rowCountCheckpoint(bad, 'w')).toThrow('is not a row count');
  });

  it('skips the rows read before, numbers the rest from 1 and cuts full pages', () => {
    const pager = queryPager({ skip: 2, pageSize: 2, signal: new AbortController().signal, where: 'w' });
    const pages: Page[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const page = pager.add(n, (v) => ({ v }));
      if (page) pages.push(page);
    }
    const rest = pager.rest();
    if (rest) pages.push(rest);
    expect(pages.map((p) => [p.checkpoint, p.records.map((r) => [r.meta.id, r.data.v])])).toEqual([
      [
        4,
        [
          ['row:3', 3],
          ['row:4', 4],
        ],
      ],
      [5, [['row:5', 5]]],
    ]);
    expect(pager.rest()).toBeUndefined();
  });

  it('stops with CANCELED at a full page once the signal is aborted', () => {
    const abort = new AbortController();
    const pager = queryPager({ skip: 0, pageSize: 1, signal: abort.signal, where: 'w' });
    abort.abort();
    expect(() => pager.add(1, () => ({}))).toThrow(FlowError);
  });
});
