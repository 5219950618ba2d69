import { createHash } from 'node:crypto';
import { httpErrors } from '../http-error-codes.js';
import type { Paging } from './paging.js';

/** What the guard is told of each request and answer. */
export interface LoopGuard {
  /** Before a request: the same method, URL and body asked twice in one read is a loop (cursor, next URL, link). */
  request(method: string, url: string, body: string | undefined, shown: string): void;
  /** After an answer: offset/page paging answered byte for byte what the page before answered. */
  answer(text: string, request: string, page: number): void;
}

export interface LoopGuardOptions {
  readonly where: string;
  /** The name of the page (or offset) query parameter, for the message. */
  readonly param?: string;
}

const emptyAnswer = /^\s*(\[\s*\]|\{\s*\})\s*$/;

/**
 * Pagination loop detection (n8n's "pagination that loops forever"): stops a read with
 * HTTP_PAGINATION_LOOP when the API hands back a cursor or URL already followed, or ignores the page
 * parameter and answers the same page again.
 */
export function loopGuard(paging: Paging, o: LoopGuardOptions): LoopGuard {
  const seen = new Set<string>();
  let previous: string | undefined;
  return {
    request(method, url, body, shown) {
      if (paging.loop !== 'request') return;
      const key = `${method} ${url}\n${body ?? ''}`;
      if (seen.has(key)) {
        throw httpErrors.fail(
          'HTTP_PAGINATION_LOOP',
          `pagination asked for ${shown} a second time; stopping instead of looping forever`,
          { where: o.where },
        );
      }
      seen.add(key);
    },
    answer(text, request, page) {
      if (paging.loop !== 'answer' || text.length === 0) return;
      const digest = createHash('sha256').update(text).digest('hex');
      if (digest === previous && !emptyAnswer.test(text)) {
        const param = o.param ?? 'page parameter';
        throw httpErrors.fail(
          'HTTP_PAGINATION_LOOP',
          `${request} (page ${page}) answered exactly what the page before it answered; the API seems to ignore "${param}", so pagination stops instead of reading the same records forever`,
          {
            where: o.where,
            hint: `Check the name of the ${paging.type} parameter in the API documentation (pagination.${paging.type === 'offset' ? 'offsetParam' : 'pageParam'}), or use the pagination type the API supports.`,
          },
        );
      }
      previous = digest;
    },
  };
}
