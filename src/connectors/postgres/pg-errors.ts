import { sqlErrors } from '../../kit/index.js';
import { FlowError } from '../../sdk/index.js';

/** The fields of a pg DatabaseError (and of Node's network errors) this module reads. */
interface DriverError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly detail?: unknown;
  readonly column?: unknown;
  readonly table?: unknown;
  readonly where?: unknown;
  readonly constraint?: unknown;
}

function fields(error: unknown) {
  const e = (typeof error === 'object' && error !== null ? error : {}) as DriverError;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    code: str(e.code) ?? '',
    message: str(e.message) ?? String(error),
    detail: str(e.detail),
    column: str(e.column),
    table: str(e.table),
    where: str(e.where),
    constraint: str(e.constraint),
  };
}

/** Node network error codes: the server could not be reached or the connection broke. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** pg's own messages for a connection that broke or never came up. */
const brokenConnection =
  /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end/i;

/** SQLSTATEs retried in place: admin shutdown, crash, cannot connect now, too many connections, canceled (timeout). */
const transientStates = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
/** Serialization failure, deadlock, lock not available. */
const busyStates = new Set(['40001', '40P01', '55P03']);

/** True for a failure that one row causes (class 22 data exception, class 23 integrity constraint). */
export function isRecordError(error: unknown): boolean {
  const { code } = fields(error);
  return code.startsWith('22') || code.startsWith('23');
}

/** True when the client that raised this error must not go back to the pool. */
export function isConnectionBroken(error: unknown): boolean {
  const { code, message } = fields(error);
  return networkCodes.has(code) || code.startsWith('08') || transientStates.has(code) || brokenConnection.test(message);
}

/** The 1-based line and the column of a COPY error (`COPY staging, line 3, column qty: "x"`). */
export function copyErrorPosition(error: unknown): { line: number; column?: string } | undefined {
  const m = /COPY [^,]+, line (\d+)(?:, column ((?:[^:"]|"[^"]*")+))?/.exec(fields(error).where ?? '');
  if (!m) return undefined;
  const column = m[2]?.replace(/^"(.*)"$/, '$1');
  return column === undefined ? { line: Number(m[1]) } : { line: Number(m[1]), column };
}

/** The column an error is about: its `column` field, `Key (email)=(…)` in the detail, or a COPY position. */
export function errorColumn(error: unknown): string | undefined {
  const f = fields(error);
  if (f.column) return f.column;
  const key = /Key \(([^)]+)\)=/.exec(f.detail ?? '');
  if (key?.[1]) return key[1].replace(/^"(.*)"$/, '$1');
  const copy = copyErrorPosition(error);
  if (copy?.column) return copy.column;
  return /column "((?:[^"]|"")+)"/.exec(f.message)?.[1];
}

/**
 * `Failing row contains (…)`: the whole row, personal data included, which the error record keeps
 * as its payload anyway. Left out of messages, which are shown, stored in history and sent.
 */
const FAILING_ROW = /^Failing row contains \(/;

/**
 * Maps a pg error to a FlowError by SQLSTATE class: 08 (connection), 57P01 (terminated), 53300,
 * network errors → TRANSIENT_IO; 40001, 40P01, 55P03 → DB_BUSY; 42 (syntax, missing table/column)
 * → SQL_ERROR; 22 and 23 (bad value, constraint) → RECORD_CONSTRAINT with the column as `field`;
 * 28 (auth) and 3D000 (no such database) → CONNECTION_FAILED. `where` names the target.
 */
export function pgError(error: unknown, where: string): FlowError {
  if (error instanceof FlowError) return error;
  const f = fields(error);
  const { code, message } = f;
  const detail = f.detail && !FAILING_ROW.test(f.detail) ? ` (${f.detail})` : '';
  if (busyStates.has(code)) {
    return sqlErrors.fail('DB_BUSY', `${where}: ${message}`, { where, cause: error });
  }
  if (networkCodes.has(code) || code.startsWith('08') || transientStates.has(code) || brokenConnection.test(message)) {
    return new FlowError('TRANSIENT_IO', `${where}: connection failed (${code || 'closed'}): ${message}`, {
      where,
      cause: error,
      hint: 'Retried automatically. If it persists, check that the server is up and reachable and that nothing terminates the connection.',
    });
  }
  if (isRecordError(error)) {
    const column = errorColumn(error);
    return sqlErrors.fail('RECORD_CONSTRAINT', `${message}${detail}`, {
      where,
      cause: error,
      ...(column === undefined ? {} : { field: column }),
    });
  }
  if (code.startsWith('28') || code === '3D000') {
    return new FlowError('CONNECTION_FAILED', `${where}: ${message}`, {
      where,
      cause: error,
      hint:
        code === '3D000'
          ? 'Create the database or correct `database` (or the URL path) of the connection.'
          : 'Check user and password of the connection, and that pg_hba.conf lets this user connect from this host.',
    });
  }
  if (code.startsWith('42') || code.startsWith('0A') || code === '21000' || code.startsWith('25')) {
    const column = f.column ?? /column "((?:[^"]|"")+)"/.exec(message)?.[1];
    const table = /relation "((?:[^"]|"")+)" does not exist/.exec(message)?.[1];
    return sqlErrors.fail('SQL_ERROR', `${where}: ${message}${detail}`, {
      where,
      cause: error,
      ...(column === undefined ? {} : { field: column }),
      hint:
        table !== undefined
          ? `Create table ${table} or correct its name (and schema).`
          : column !== undefined
            ? `Correct or remove column "${column}".`
            : 'Correct the statement, table or column named in the message.',
    });
  }
  return new FlowError('INTERNAL', `${where}: ${message}`, { kind: 'system', where, cause: error });
}
