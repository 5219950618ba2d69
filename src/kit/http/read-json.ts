import type { Json } from '../../sdk/index.js';
import { httpErrors } from './http-error-codes.js';
import { bodyExcerpt } from './mask.js';
import type { HttpResponse } from './send-request.js';

/**
 * The body of a 2xx answer as JSON, parsed once. An answer that is not JSON (HTML login page, text,
 * malformed JSON) fails with HTTP_BAD_RESPONSE naming the content type and the first bytes.
 */
export function readJson(response: HttpResponse, mask: (text: string) => string): Json {
  const type = response.headers.get('content-type') ?? '';
  const text = response.text;
  const looksJson = type === '' || /[/+]json\b/i.test(type);
  if (looksJson) {
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as Json;
    } catch (error) {
      throw httpErrors.fail(
        'HTTP_BAD_RESPONSE',
        `${response.label.request} answered malformed JSON (content-type ${type || 'none'}; ${(error as Error).message}): ${bodyExcerpt(mask(text), 120)}`,
        { where: response.label.connection, cause: error },
      );
    }
  }
  throw httpErrors.fail(
    'HTTP_BAD_RESPONSE',
    `${response.label.request} answered content-type ${type} where JSON was expected; it starts with: ${bodyExcerpt(mask(text), 120)}`,
    { where: response.label.connection },
  );
}
