import { z } from 'zod';
import {
  bodyCursorPaging,
  linkHeaderPaging,
  nextUrlPaging,
  noPaging,
  offsetPaging,
  type Paging,
  pageNumberPaging,
  pathSchema,
} from '../../kit/index.js';

const common = {
  /** Stop after this many pages (a safety net; the checkpoint then points at the next page). */
  maxPages: z.number().int().positive().optional(),
  /** Stop at the first page without records (default true). */
  stopOnEmpty: z.boolean().default(true),
};

/** `pagination:` of the `http.request` source: one of the kit's paging strategies. */
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

/** The kit's strategy for the config; `pageSize` is the source's records per page. */
export function pagingOf(p: PaginationConfig, pageSize: number | undefined): Paging {
  switch (p.type) {
    case 'none':
      return noPaging;
    case 'offset':
      return offsetPaging({
        offsetParam: p.offsetParam,
        limitParam: p.limitParam,
        limit: p.limit ?? pageSize ?? 100,
        start: p.start,
      });
    case 'page':
      return pageNumberPaging({
        param: p.pageParam,
        start: p.start,
        sizeParam: p.sizeParam,
        size: p.size ?? (p.sizeParam ? (pageSize ?? 100) : undefined),
      });
    case 'cursor':
      return bodyCursorPaging({ cursorPath: p.cursorPath, cursorParam: p.cursorParam });
    case 'nextUrl':
      return nextUrlPaging({ nextPath: p.nextPath });
    case 'linkHeader':
      return linkHeaderPaging;
  }
}
