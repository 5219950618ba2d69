import type { Json } from '../../sdk/index.js';
import type { HttpConnection } from './connection.js';
import { nextLink } from './link-header.js';
import type { PageState, PaginationConfig } from './pagination.js';
import type { RequestCheckpoint } from './request-checkpoint.js';
import { type HttpResponse, withoutSecrets } from './send-request.js';
import type { Getter } from './template.js';

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
  /** Reads the cursor / next URL from the body. */
  readonly getNext: Getter | undefined;
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
    case 'cursor': {
      const c = a.getNext?.(a.body);
      if (c === undefined || c === null || c === '' || c === false) return undefined;
      return a.build({ ...s, cursor: typeof c === 'string' ? c : JSON.stringify(c), read });
    }
    case 'nextUrl': {
      const u = a.getNext?.(a.body);
      return typeof u === 'string' && u !== '' ? follow(new URL(u, a.response.url).href) : undefined;
    }
    case 'linkHeader': {
      const u = nextLink(a.response.headers.get('link'), a.response.url);
      return u === undefined ? undefined : follow(u);
    }
  }
}
