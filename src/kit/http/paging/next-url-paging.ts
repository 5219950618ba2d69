import { pathSegments } from '../../path.js';
import { nextPageValue } from './next-page-value.js';
import { firstState, nextPageAfter, type Paging } from './paging.js';

/**
 * The next page's URL in the answer, relative or absolute: Salesforce `nextRecordsUrl`
 * (`/services/data/v65.0/query/01g…-500`, resolved against the request's URL), OData
 * `["@odata.nextLink"]`, `links.next`. Absent, null or '' ends the read.
 */
export function nextUrlPaging(o: { readonly nextPath: string }): Paging {
  const segments = pathSegments(o.nextPath, 'pagination.nextPath');
  return {
    type: 'nextUrl',
    limit: undefined,
    first: firstState(),
    query: () => ({}),
    next: (a, s) => {
      const site = { field: 'nextPath' as const, path: o.nextPath, page: a.page, request: a.request, where: a.where };
      const next = nextPageValue(a.body, segments, a.items, site);
      return next === undefined
        ? undefined
        : { url: new URL(next, a.url).href, state: nextPageAfter(s, a.items.length) };
    },
    loop: 'request',
  };
}
