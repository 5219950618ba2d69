import type { PageState } from '../../kit/index.js';
import { FlowError, type Json } from '../../sdk/index.js';

/** The next request of a paginated read: what a page's checkpoint holds, so a resumed run continues mid-pagination. */
export interface RequestCheckpoint {
  readonly method: string;
  /** Absolute URL without the auth's secret parameters. */
  readonly url: string;
  readonly body?: string;
  readonly state: PageState;
}

const num = (v: Json | undefined, fallback: number): number => (typeof v === 'number' ? v : fallback);

/** Reads a stored checkpoint back; anything else fails with CONFIG_INVALID. */
export function readCheckpoint(from: Json, where: string): RequestCheckpoint {
  const c = from as { [k: string]: Json };
  const state = (typeof c['state'] === 'object' && c['state'] !== null ? c['state'] : {}) as { [k: string]: Json };
  if (
    typeof from !== 'object' ||
    Array.isArray(from) ||
    typeof c['method'] !== 'string' ||
    typeof c['url'] !== 'string' ||
    !/^https?:\/\//.test(c['url'])
  ) {
    throw new FlowError(
      'CONFIG_INVALID',
      `checkpoint ${JSON.stringify(from).slice(0, 200)} is not an http.request position`,
      {
        where,
        hint: 'Run the flow from the start (the checkpoint was written by another source type).',
      },
    );
  }
  return {
    method: c['method'],
    url: c['url'],
    ...(typeof c['body'] === 'string' ? { body: c['body'] } : {}),
    state: {
      page: num(state['page'], 1),
      offset: num(state['offset'], 0),
      cursor: typeof state['cursor'] === 'string' ? state['cursor'] : undefined,
      read: num(state['read'], 0),
    },
  };
}
