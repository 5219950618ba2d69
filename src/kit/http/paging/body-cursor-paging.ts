import { pathSegments } from '../../path.js';
import { nextPageValue } from './next-page-value.js';
import { afterAnswer, firstState, type Paging } from './paging.js';

export interface BodyCursorOptions {
  /** Path of the next cursor in the answer: `meta.next_cursor`, `paging.next.after` (HubSpot), `data[-1].id`. */
  readonly cursorPath: string;
  /** Query parameter the cursor is sent in (default `cursor`; HubSpot `after`). */
  readonly cursorParam?: string;
}

/** A cursor read from each answer and sent back as a query parameter; null, '' or absent ends the read. */
export function bodyCursorPaging(o: BodyCursorOptions): Paging {
  const segments = pathSegments(o.cursorPath, 'pagination.cursorPath');
  const param = o.cursorParam ?? 'cursor';
  return {
    type: 'cursor',
    limit: undefined,
    first: firstState(),
    query: (s) => (s.cursor === undefined ? {} : { [param]: s.cursor }),
    next: (a, s) => {
      const site = {
        field: 'cursorPath' as const,
        path: o.cursorPath,
        page: a.page,
        request: a.request,
        where: a.where,
      };
      const cursor = nextPageValue(a.body, segments, a.items, site);
      return cursor === undefined ? undefined : { state: { ...afterAnswer(s, a.items.length), cursor } };
    },
    loop: 'request',
  };
}
