import { z } from 'zod';
import { pathSchema } from '../../kit/index.js';

const common = {
  /** Stop after this many pages (a safety net; the checkpoint then points at the next page). */
  maxPages: z.number().int().positive().optional(),
  /** Stop at the first page without records (default true). */
  stopOnEmpty: z.boolean().default(true),
};

/** `pagination:` of the `http.request` source. */
export const paginationConfig = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none'), ...common }).strict(),
    z
      .object({
        type: z.literal('offset'),
        offsetParam: z.string().min(1).default('offset'),
        limitParam: z.string().min(1).default('limit'),
        /** Records per page (default the source's pageSize, else 100); a shorter page is the last. */
        limit: z.number().int().positive().optional(),
        start: z.number().int().nonnegative().default(0),
        ...common,
      })
      .strict(),
    z
      .object({
        type: z.literal('page'),
        pageParam: z.string().min(1).default('page'),
        start: z.number().int().nonnegative().default(1),
        /** Query parameter for the page size, e.g. `per_page`; with it (or `size`) a short page is the last. */
        sizeParam: z.string().min(1).optional(),
        size: z.number().int().positive().optional(),
        ...common,
      })
      .strict(),
    z
      .object({
        type: z.literal('cursor'),
        /** Path of the next cursor in the answer (`meta.next_cursor`, `data[-1].id`); null, empty or absent ends (docs/connectors/http.md). */
        cursorPath: pathSchema,
        /** Query parameter the cursor is sent in. */
        cursorParam: z.string().min(1).default('cursor'),
        ...common,
      })
      .strict(),
    z
      .object({
        type: z.literal('nextUrl'),
        /** Path of the next page URL in the answer (`links.next`, `["@odata.nextLink"]`); relative URLs are resolved. */
        nextPath: pathSchema,
        ...common,
      })
      .strict(),
    z.object({ type: z.literal('linkHeader'), ...common }).strict(),
  ])
  .default({ type: 'none', stopOnEmpty: true });

export type PaginationConfig = z.infer<typeof paginationConfig>;

/** Where pagination stands: the template variables of the next request. */
export interface PageState {
  page: number;
  offset: number;
  cursor: string | undefined;
  /** Records read before the next request (default record ids continue from it). */
  read: number;
}

export function initialState(p: PaginationConfig): PageState {
  return {
    page: p.type === 'page' ? p.start : 1,
    offset: p.type === 'offset' ? p.start : 0,
    cursor: undefined,
    read: 0,
  };
}

/** Records a full page holds, when the pagination knows it (offset limit, page size). */
export function pageLimit(p: PaginationConfig, pageSize: number | undefined): number | undefined {
  if (p.type === 'offset') return p.limit ?? pageSize ?? 100;
  if (p.type === 'page') return p.size ?? (p.sizeParam ? (pageSize ?? 100) : undefined);
  return undefined;
}

/** The pagination's own query parameters for the next request. */
export function pageQuery(p: PaginationConfig, state: PageState, limit: number | undefined): Record<string, string> {
  switch (p.type) {
    case 'offset':
      return { [p.offsetParam]: String(state.offset), [p.limitParam]: String(limit) };
    case 'page':
      return {
        [p.pageParam]: String(state.page),
        ...(p.sizeParam && limit !== undefined ? { [p.sizeParam]: String(limit) } : {}),
      };
    case 'cursor':
      return state.cursor === undefined ? {} : { [p.cursorParam]: state.cursor };
    default:
      return {};
  }
}
