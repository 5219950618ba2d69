import { defineErrors } from '../../sdk/index.js';

/** The codes only the generic `http` connector raises: its destination's per-record `results`. */
export const httpConnectorErrors = defineErrors('connectors/http', {
  HTTP_RESULTS_MISMATCH: {
    kind: 'config',
    summary:
      'The answer of an http.request destination does not hold one result per record sent at `results.path`, so which records were written is unknown (none is counted as written; the page is not committed).',
    fix: 'Point `results.path` at the list with one result per record sent, in the order sent; the message quotes the answer.',
  },
  HTTP_RECORD_REJECTED: {
    kind: 'record',
    summary:
      "The API answered the request with a 2xx status, but its per-record result (the destination's `results`) says this record was not written (skipped, success: false).",
    fix: "Correct the record as the API's message says (it is quoted with the API's own code), then retry the error record.",
  },
  HTTP_MULTI_STATUS: {
    kind: 'record',
    summary:
      'The API answered 207 Multi-Status (some records failed) and the destination has no `results` mapping to tell which, so no record of the request is counted as written.',
    fix: "Set the destination's `results` to read each record's outcome from the answer, then retry the error records (they are sent again: use upserts or an idempotency key).",
  },
});
