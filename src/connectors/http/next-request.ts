import type { Segment } from '../../kit/index.js';
import type { Json } from '../../sdk/index.js';
import type { HttpConnection } from './connection.js';
import { nextLink } from './link-header.js';
import { nextPageValue } from './next-page-value.js';
import type { PageState, PaginationConfig } from './pagination.js';
import type { RequestCheckpoint } from './request-checkpoint.js';
import { type HttpResponse, withoutSecrets } from './send-request.js';

export interface NextRequestArgs {
  readonly pagination: PaginationConfig;
  /** Records a full page holds, when known. */
  readonly limit: number | undefined;
  readonly state: PageState;
  /** Records the answer held. */
  readonly count: number;
  readonly body: Json;
  readonly response: HttpResponse;
  readonly current: RequestCheckpoint;
  /** The records of the answer (the array itself, to tell a path through a record). */
  readonly items: readonly Json[];
  /** The cursor / next URL path, parsed. */
  readonly nextPath: readonly Segment[] | undefined;
  /** This answer's page number in the read (1 = first) and its request, masked: for messages. */
  readonly page: number;
  /** The request for a pagination state, from the source's templates. */
  readonly build: (state: PageState) => RequestCheckpoint;
  readonly connection: HttpConnection;
}

/**
 * The request after this answer, or undefined when pagination ends: an empty page (unless
 * stopOnEmpty is off), a short page (offset/page with a known size), no cursor, no next URL or link.
 */
export function nextRequest(a: NextRequestArgs): RequestCheckpoint | undefined {
  const { pagination: p, state: s, count } = a;
  if (count === 0 && p.stopOnEmpty) return undefined;
  const read = s.read + count;
  const follow = (url: string): RequestCheckpoint => ({
    method: a.current.method,
    url: withoutSecrets(a.connection, url),
    ...(a.current.body === undefined ? {} : { body: a.current.body }),
    state: { ...s, page: s.page + 1, read },
  });
  switch (p.type) {
    case 'none':
      return undefined;
    case 'offset':
      if (a.limit !== undefined && count < a.limit) return undefined;
      return a.build({ ...s, offset: s.offset + count, read });
    case 'page':
      if (a.limit !== undefined && count < a.limit) return undefined;
      return a.build({ ...s, page: s.page + 1, read });
    case 'cursor':
    case 'nextUrl': {
      const site = {
        field: p.type === 'cursor' ? ('cursorPath' as const) : ('nextPath' as const),
        path: p.type === 'cursor' ? p.cursorPath : p.nextPath,
        page: a.page,
        request: a.response.label.request,
        where: a.connection.label,
      };
      const value = nextPageValue(a.body, a.nextPath ?? [], a.items, site);
      if (value === undefined) return undefined;
      return p.type === 'cursor' ? a.build({ ...s, cursor: value, read }) : follow(new URL(value, a.response.url).href);
    }
    case 'linkHeader': {
      const u = nextLink(a.response.headers.get('link'), a.response.url);
      return u === undefined ? undefined : follow(u);
    }
  }
}
