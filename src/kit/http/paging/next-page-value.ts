import type { Json } from '../../../sdk/index.js';
import { formatSegments, readKey, type Segment } from '../../path.js';
import { httpErrors } from '../http-error-codes.js';

/** Where the value is read, for messages: `cursorPath` or `nextPath`, its text, the page and its request. */
export interface NextPageSite {
  readonly field: 'cursorPath' | 'nextPath';
  readonly path: string;
  /** 1 for the first page of this read. */
  readonly page: number;
  /** `GET https://…` (masked). */
  readonly request: string;
  readonly where: string;
}

const plain = (key: string) => key.toLowerCase().replace(/[-_\s]/g, '');

/** Levenshtein distance up to 2 (enough to tell a typo from another key). */
function near(a: string, b: string): boolean {
  if (plain(a) === plain(b)) return true;
  if (Math.abs(a.length - b.length) > 1 || Math.min(a.length, b.length) < 4) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return (prev[b.length] as number) <= 1;
}

const keysOf = (value: Json | undefined): string[] =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];

/**
 * Why a path that found nothing in an answer with records is a mistake rather than the last page,
 * or undefined when the absence is how the API says "no more pages" (OData and Salesforce leave the
 * next link out, HubSpot the whole `paging` object). A mistake is: a path through a record (the
 * records array) that the record does not have, a key written with dots that the answer has as one
 * key (`@odata.nextLink` for `["@odata.nextLink"]`), or a key next to one the object has
 * (`nextCursor` / `next_cursor`, `link` / `links`).
 */
function mistake(body: Json, segments: readonly Segment[], items: readonly Json[]): string | undefined {
  let value: Json | undefined = body;
  let throughRecord = false;
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i] as Segment;
    const next = readKey(value, key);
    const shown = i === 0 ? 'the answer' : `"${formatSegments(segments.slice(0, i))}"`;
    if (next === undefined) {
      const keys = keysOf(value);
      const have = keys.length > 0 ? `its keys are ${keys.slice(0, 20).join(', ')}` : 'it has no keys';
      if (throughRecord) return `the record ${shown} has no ${JSON.stringify(key)} (${have})`;
      if (typeof key !== 'string') return undefined;
      const rest = segments.slice(i).join('.');
      if (segments.length - i > 1 && keys.includes(rest))
        return `${shown} has the key "${rest}" with dots in it: write it as ${formatSegments([...segments.slice(0, i), rest])} (${have})`;
      const close = keys.find((k) => near(k, key));
      if (close !== undefined) return `${shown} has no "${key}" — did you mean "${close}"? (${have})`;
      return undefined;
    }
    // a step into the records array lands on a record
    if (value === (items as Json)) throughRecord = true;
    value = next;
  }
  return undefined;
}

/**
 * The next cursor or URL of an answer, or undefined for the last page. The last page is: a value
 * of null, '' or false, a page without records, or the path absent where the API leaves it out on
 * the last page. A path that is plainly wrong (see `mistake`) or a value that is not a cursor / URL
 * fails with HTTP_PAGINATION_PATH instead of ending the read as if every page had been read.
 */
export function nextPageValue(
  body: Json,
  segments: readonly Segment[],
  items: readonly Json[],
  site: NextPageSite,
): string | undefined {
  let value: Json | undefined = body;
  for (const key of segments) {
    value = readKey(value, key);
    if (value === undefined) break;
  }
  const fail = (why: string) =>
    httpErrors.fail(
      'HTTP_PAGINATION_PATH',
      `${site.field} "${site.path}" finds no next page in the answer to page ${site.page} (${site.request}, ${items.length} records): ${why}`,
      {
        where: site.where,
        field: `pagination.${site.field}`,
        hint: `Point ${site.field} at the value the API answers with, e.g. meta.next_cursor, data[-1].id or ["@odata.nextLink"] (brackets for a key with dots).`,
      },
    );
  if (value === undefined) {
    if (items.length === 0) return undefined;
    const why = mistake(body, segments, items);
    if (why !== undefined) throw fail(why);
    return undefined;
  }
  if (value === null || value === '' || value === false) return undefined;
  if (site.field === 'nextPath') {
    if (typeof value !== 'string') throw fail(`it holds ${JSON.stringify(value).slice(0, 80)}, not a URL`);
    return value;
  }
  if (typeof value === 'object') throw fail(`it holds ${JSON.stringify(value).slice(0, 80)}, not a cursor`);
  return String(value);
}
