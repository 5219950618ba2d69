import type { Json } from '../../../sdk/index.js';

/** Where paging stands: what the next request is built from (and what a checkpoint keeps). */
export interface PageState {
  /** Page number (page-number paging; else counts the pages read, from 1). */
  readonly page: number;
  readonly offset: number;
  readonly cursor: string | undefined;
  /** Records read before the next request. */
  readonly read: number;
}

/** One answer, as a paging strategy sees it. */
export interface PageAnswer {
  /** The parsed body. */
  readonly body: Json;
  /** The records of the answer (the array itself, to tell a path through a record in messages). */
  readonly items: readonly Json[];
  readonly headers: Headers;
  /** The URL that was requested: relative next links resolve against it. */
  readonly url: string;
  /** `GET https://…` (masked), the page's number in this read and the connection, for messages. */
  readonly request: string;
  readonly page: number;
  readonly where: string;
}

/** After an answer: the state of the next request, or the URL to follow, or undefined at the end. */
export interface NextPage {
  readonly state: PageState;
  /** A URL to follow as it is (next URL, Link header); else the next request is built from `state`. */
  readonly url?: string;
}

/**
 * A paging strategy: page number, offset/limit, cursor in the body, next URL in the body, `Link`
 * header. A connector builds its first request from `first`, adds `query(state)` to it, and asks
 * `next` after each answer; a short or empty page, a missing cursor or link ends the read.
 */
export interface Paging {
  readonly type: string;
  /** Records a full page holds, when the strategy knows (offset limit, page size): a shorter one is the last. */
  readonly limit: number | undefined;
  readonly first: PageState;
  /** The strategy's own query parameters for a state. */
  query(state: PageState): Record<string, string>;
  next(answer: PageAnswer, state: PageState): NextPage | undefined;
  /**
   * How a loop shows: `request` (the same cursor / URL asked twice), `answer` (an API that ignores the
   * page parameter answers the same page again), `none`.
   */
  readonly loop: 'request' | 'answer' | 'none';
}

/** The state before the first request. */
export function firstState(o: { page?: number; offset?: number } = {}): PageState {
  return { page: o.page ?? 1, offset: o.offset ?? 0, cursor: undefined, read: 0 };
}

/** The state after an answer of `count` records (before the strategy moves its own fields). */
export function afterAnswer(state: PageState, count: number): PageState {
  return { ...state, read: state.read + count };
}

/** The same, a page further (page numbers, followed URLs). */
export function nextPageAfter(state: PageState, count: number): PageState {
  return { ...state, page: state.page + 1, read: state.read + count };
}
