import { afterAnswer, firstState, type Paging } from './paging.js';

export interface OffsetOptions {
  /** Default `offset` (NetSuite: `offset`; others `skip`, `$skip`, `start`). */
  readonly offsetParam?: string;
  /** Default `limit` (`$top`, `count`, …). */
  readonly limitParam?: string;
  /** Records per page; a shorter page is the last. */
  readonly limit: number;
  readonly start?: number;
}

/** `?offset=0&limit=100`, `?offset=100&limit=100` …: the offset moves by the records answered. */
export function offsetPaging(o: OffsetOptions): Paging {
  const offsetParam = o.offsetParam ?? 'offset';
  const limitParam = o.limitParam ?? 'limit';
  return {
    type: 'offset',
    limit: o.limit,
    first: firstState({ offset: o.start ?? 0 }),
    query: (s) => ({ [offsetParam]: String(s.offset), [limitParam]: String(o.limit) }),
    next: (a, s) => {
      if (a.items.length < o.limit) return undefined;
      return { state: { ...afterAnswer(s, a.items.length), offset: s.offset + a.items.length } };
    },
    loop: 'answer',
  };
}
