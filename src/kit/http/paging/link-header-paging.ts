import { nextLink } from './link-header.js';
import { firstState, nextPageAfter, type Paging } from './paging.js';

/** RFC 8288 `Link: <…>; rel="next"` (Shopify REST, GitHub): followed until an answer has no next link. */
export const linkHeaderPaging: Paging = {
  type: 'linkHeader',
  limit: undefined,
  first: firstState(),
  query: () => ({}),
  next: (a, s) => {
    const url = nextLink(a.headers.get('link'), a.url);
    return url === undefined ? undefined : { url, state: nextPageAfter(s, a.items.length) };
  },
  loop: 'request',
};
