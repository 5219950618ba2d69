import { defineErrors } from '../../sdk/index.js';

/** The codes only the `file` connector raises: text that is not valid in the file's encoding, over-long lines. */
export const fileErrors = defineErrors('connectors/file', {
  RECORD_INVALID_TEXT: {
    kind: 'record',
    summary:
      "The record holds bytes that are not valid text in the source's encoding (e.g. a Latin-1 file read as UTF-8); nothing was silently replaced.",
    fix: "Set the source's `encoding:` to the file's real encoding, correct the bytes at the source, or set `invalidText: replace` to read them as U+FFFD.",
  },
  RECORD_TOO_LARGE: {
    kind: 'record',
    summary:
      'A line (or record) of a file source is longer than `maxLineLength`; it was skipped without being held in memory, and reading went on with the next line.',
    fix: 'Check the file (a missing line break, a binary file); if such long lines are real, raise `maxLineLength` on the source.',
  },
});
