/** Offset/limit paging (`?offset=20&limit=10`, SuiteQL's `limit`/`offset`, OData's `$skip`/`$top`). */
export interface OffsetPage<T> {
  readonly items: T[];
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
  /** True when records follow this page. */
  readonly hasMore: boolean;
  /** The offset of the next page, when there is one. */
  readonly nextOffset?: number;
}

export interface PageParamOptions {
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

export type PageParams = { ok: true; offset: number; limit: number } | { ok: false; message: string };

function whole(raw: string | undefined, name: string, fallback: number, min: number): number | string {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min ? n : `${name} must be a whole number of at least ${min}, got "${raw}"`;
}

/** Reads and checks the offset and limit parameters; a limit above the maximum is refused, as vendors do. */
export function readOffsetParams(
  offsetRaw: string | undefined,
  limitRaw: string | undefined,
  options: PageParamOptions,
  names: { offset: string; limit: string } = { offset: 'offset', limit: 'limit' },
): PageParams {
  const offset = whole(offsetRaw, names.offset, 0, 0);
  const limit = whole(limitRaw, names.limit, options.defaultLimit, 1);
  if (typeof offset === 'string') return { ok: false, message: offset };
  if (typeof limit === 'string') return { ok: false, message: limit };
  if (limit > options.maxLimit) {
    return { ok: false, message: `${names.limit} must be at most ${options.maxLimit}, got ${limit}` };
  }
  return { ok: true, offset, limit };
}

export function offsetPage<T>(items: readonly T[], offset: number, limit: number): OffsetPage<T> {
  const page = items.slice(offset, offset + limit);
  const hasMore = offset + page.length < items.length;
  return {
    items: page,
    offset,
    limit,
    total: items.length,
    hasMore,
    ...(hasMore ? { nextOffset: offset + page.length } : {}),
  };
}
