import { defineErrors } from '../../sdk/index.js';

/** The codes of HTTP calls any HTTP-based connector makes: refused credentials, an answer that is not the expected JSON, a 4xx refusal, a pagination path that finds no next page, pagination that would never end. */
export const httpErrors = defineErrors('kit/http', {
  HTTP_AUTH: {
    kind: 'config',
    summary: 'The API refused the credentials (HTTP 401 or 403).',
    fix: "Check the connection's auth settings (user, password, token, API key) and the account's permissions.",
  },
  HTTP_BAD_RESPONSE: {
    kind: 'config',
    summary: 'The API answered with something other than the JSON that was expected (HTML, text, malformed JSON).',
    fix: "Check the path and base URL (an HTML answer is often a login or error page) and the API's content type.",
  },
  HTTP_REJECTED: {
    kind: 'record',
    summary: 'The API rejected the request for this record with a 4xx status (validation, conflict, not found).',
    fix: "Correct the record as the API's answer in the message says, then retry the error record.",
  },
  HTTP_PAGINATION_PATH: {
    kind: 'config',
    summary:
      'The pagination path (cursorPath, nextPath) found no next page in an answer with records where the path is plainly wrong: a record without the field, a key with dots written without brackets, a misspelt key; or it found something that is not a cursor or URL.',
    fix: 'Point the path at the value the API answers with (e.g. meta.next_cursor, data[-1].id, ["@odata.nextLink"]); the message names the keys the answer has.',
  },
  HTTP_PAGINATION_LOOP: {
    kind: 'config',
    summary:
      'Pagination asked for a cursor or URL it had already requested, or an offset/page request got exactly the answer of the page before: it would never end.',
    fix: 'Check `pagination` (cursorPath, nextPath, offsetParam, pageParam) against the API documentation, or set `maxPages`.',
  },
});
