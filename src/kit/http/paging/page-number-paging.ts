import { firstState, nextPageAfter, type Paging } from './paging.js';

export interface PageNumberOptions {
  /** Query parameter of the page number (default `page`). */
  readonly param?: string;
  /** The first page's number (default 1). */
  readonly start?: number;
  /** Query parameter of the page size, e.g. `per_page`. */
  readonly sizeParam?: string | undefined;
  /** Records per page: a shorter page is the last. */
  readonly size?: number | undefined;
}

/** `?page=1`, `?page=2` …: ends at a page shorter than `size` (when known) or an empty one. */
export function pageNumberPaging(o: PageNumberOptions = {}): Paging {
  const param = o.param ?? 'page';
  const size = o.size;
  return {
    type: 'page',
    limit: size,
    first: firstState({ page: o.start ?? 1 }),
    query: (s) => ({
      [param]: String(s.page),
      ...(o.sizeParam && size !== undefined ? { [o.sizeParam]: String(size) } : {}),
    }),
    next: (a, s) => {
      if (size !== undefined && a.items.length < size) return undefined;
      return { state: nextPageAfter(s, a.items.length) };
    },
    loop: 'answer',
  };
}
