import { sqlErrors } from '../../kit/index.js';
import { FlowError } from '../../sdk/index.js';

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** True for errors that one record causes (constraint, type mismatch, too big): the batch can go on without it. */
export function isRecordError(error: unknown): boolean {
  const code = codeOf(error);
  return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG';
}

/** The column a constraint message names (`UNIQUE constraint failed: orders.email` → `email`). */
export function constraintColumn(message: string): string | undefined {
  const m = /constraint failed: [^.\s,]+\.([^\s,]+)/.exec(message);
  return m?.[1];
}

/**
 * Maps a better-sqlite3 error to a FlowError: busy/locked → DB_BUSY (transient, retried);
 * constraint → RECORD_CONSTRAINT; syntax, missing table or column, bad binding → SQL_ERROR (config).
 */
export function sqliteError(error: unknown, where: string): FlowError {
  if (error instanceof FlowError) return error;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return sqlErrors.fail('DB_BUSY', `${where}: the database is locked (${message})`, { where, cause: error });
  }
  if (isRecordError(error)) {
    const field = constraintColumn(message);
    return sqlErrors.fail('RECORD_CONSTRAINT', message, { where, cause: error, ...(field ? { field } : {}) });
  }
  if (code === 'SQLITE_ERROR' || error instanceof RangeError || error instanceof TypeError) {
    return sqlErrors.fail('SQL_ERROR', `${where}: ${message}`, { where, cause: error });
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_NOTADB') {
    return new FlowError('CONNECTION_FAILED', `${where}: ${message}`, {
      kind: 'config',
      where,
      hint: 'Check the database path exists, is a SQLite file and is writable (or set readonly: true).',
      cause: error,
    });
  }
  return new FlowError('INTERNAL', `${where}: ${message}`, { kind: 'system', where, cause: error });
}
