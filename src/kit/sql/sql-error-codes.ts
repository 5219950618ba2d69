import { defineErrors } from '../../sdk/index.js';

/** The codes every SQL connector (sqlite, postgres, mysql) raises: one home, listed in each one's `errors`. */
export const sqlErrors = defineErrors('kit/sql', {
  SQL_ERROR: {
    kind: 'config',
    summary: 'The database rejected a statement (syntax error, missing table or column).',
    fix: 'Correct the query, table or column named in the message.',
  },
  DB_BUSY: {
    kind: 'transient',
    summary: 'The database was locked or busy.',
    fix: 'Retried automatically; if it persists, look for a long transaction holding the lock.',
  },
  RECORD_CONSTRAINT: {
    kind: 'record',
    summary: 'The destination rejected the record (constraint violated, value too large, wrong type).',
    fix: 'Correct the value named in the message and retry the error record.',
  },
});
