import type { Context } from '../../sdk/index.js';

/** For tests only: `ctx` whose metrics report the statements a sqlite lookup runs (`sqlite_lookup_queries`) to `count`. */
export function countLookupQueries(ctx: Context, count: (by: number) => void): Context {
  return {
    ...ctx,
    metrics: {
      increment: (name, by = 1) => {
        if (name === 'sqlite_lookup_queries') count(by);
      },
      observe() {},
    },
  };
}
