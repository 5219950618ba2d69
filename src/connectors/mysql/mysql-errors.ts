import { sqlErrors } from '../../kit/index.js';
import { FlowError } from '../../sdk/index.js';

interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly sqlMessage?: unknown;
  readonly message?: unknown;
  readonly fatal?: unknown;
}

function fields(error: unknown): { code: string; errno: number; message: string; fatal: boolean } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as DriverError;
  const message =
    typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(error);
  return {
    code: typeof e.code === 'string' ? e.code : '',
    errno: typeof e.errno === 'number' ? e.errno : 0,
    message,
    fatal: e.fatal === true,
  };
}

/** Server errors a single bad row causes (strict-mode conversions, constraints): the batch goes on without it. */
const recordErrnos = new Set([
  1048, // ER_BAD_NULL_ERROR
  1062, // ER_DUP_ENTRY
  1169, // ER_DUP_UNIQUE
  1216, // ER_NO_REFERENCED_ROW
  1217, // ER_ROW_IS_REFERENCED
  1264, // ER_WARN_DATA_OUT_OF_RANGE
  1265, // WARN_DATA_TRUNCATED
  1292, // ER_TRUNCATED_WRONG_VALUE
  1300, // ER_INVALID_CHARACTER_STRING
  1364, // ER_NO_DEFAULT_FOR_FIELD
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  1367, // ER_ILLEGAL_VALUE_FOR_TYPE
  1406, // ER_DATA_TOO_LONG
  1411, // ER_WRONG_VALUE_FOR_TYPE
  1451, // ER_ROW_IS_REFERENCED_2
  1452, // ER_NO_REFERENCED_ROW_2
  1586, // ER_DUP_ENTRY_WITH_KEY_NAME
  1690, // ER_DATA_OUT_OF_RANGE
  3140, // ER_INVALID_JSON_TEXT (MySQL)
  3819, // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
  4025, // ER_CONSTRAINT_FAILED (MariaDB: CHECK, incl. JSON columns' json_valid)
]);

/** Lost connections, resets, deadlocks, lock waits, interrupted queries: retried in place. */
const transientCodes = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const transientErrnos = new Set([
  1040, // ER_CON_COUNT_ERROR (too many connections)
  1053, // ER_SERVER_SHUTDOWN
  1158, // ER_NET_READ_ERROR
  1159, // ER_NET_READ_INTERRUPTED
  1160, // ER_NET_ERROR_ON_WRITE
  1161, // ER_NET_WRITE_INTERRUPTED
  1317, // ER_QUERY_INTERRUPTED
  1927, // ER_CONNECTION_KILLED (MariaDB)
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
  3024, // ER_QUERY_TIMEOUT (MySQL)
]);
const busyErrnos = new Set([1205, 1213]); // ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK
const sqlErrnos = new Set([
  1054, // ER_BAD_FIELD_ERROR
  1064, // ER_PARSE_ERROR
  1146, // ER_NO_SUCH_TABLE
  1049, // ER_BAD_DB_ERROR
  1109, // ER_UNKNOWN_TABLE
  1110, // ER_FIELD_SPECIFIED_TWICE
  1052, // ER_NON_UNIQ_ERROR
  1142, // ER_TABLEACCESS_DENIED_ERROR
  1143, // ER_COLUMNACCESS_DENIED_ERROR
  1044, // ER_DBACCESS_DENIED_ERROR
  1149, // ER_SYNTAX_ERROR
  1136, // ER_WRONG_VALUE_COUNT_ON_ROW
  1050, // ER_TABLE_EXISTS_ERROR
  1153, // ER_NET_PACKET_TOO_LARGE
]);
const authErrnos = new Set([1045, 1698, 1044, 1049, 1251, 2059]);

export function isRecordError(error: unknown): boolean {
  return recordErrnos.has(fields(error).errno);
}

/** True when the connection that raised this error cannot be used again. */
export function isFatal(error: unknown): boolean {
  const f = fields(error);
  return f.fatal || transientCodes.has(f.code) || f.errno === 1927 || f.errno === 2013 || f.errno === 2006;
}

/** The column a server message names: `for column 'x'`, `` for column `db`.`t`.`x` ``, `Column 'x' cannot be null`, `for key 'x'`, … */
export function errorColumn(message: string): string | undefined {
  const patterns = [
    /for column (?:`(?:[^`]|``)*`\.)*`((?:[^`]|``)+)`/,
    /for column '([^']+)'/,
    /Column '([^']+)' cannot be null/,
    /Field '([^']+)' doesn't have a default value/,
    /for key '(?:[^'.]*\.)?([^']+)'/,
    /CONSTRAINT `(?:[^`.]*\.)?((?:[^`]|``)+)` failed/,
    /Unknown column '([^']+)'/,
  ];
  for (const p of patterns) {
    const m = p.exec(message);
    if (m?.[1] !== undefined) return m[1].replaceAll('``', '`');
  }
  return undefined;
}

/** The table a server message names (`Table 'db.t' doesn't exist`). */
function errorTable(message: string): string | undefined {
  return /Table '(?:[^'.]*\.)?([^']+)' doesn't exist/.exec(message)?.[1];
}

/**
 * Maps a mysql2 error to a FlowError: lost connection, reset, killed, interrupted → TRANSIENT_IO;
 * deadlock and lock wait timeout → DB_BUSY (both retried); syntax, unknown table/column, missing
 * privilege → SQL_ERROR naming it; a row's bad value or broken constraint → RECORD_CONSTRAINT with the
 * column as `field`; access denied, unknown database → CONNECTION_FAILED. `where` names the target (host:port/database).
 */
export function mysqlError(error: unknown, where: string): FlowError {
  if (error instanceof FlowError) return error;
  const { code, errno, message } = fields(error);
  const column = errorColumn(message);
  const withField = column === undefined ? {} : { field: column };
  if (busyErrnos.has(errno)) {
    return sqlErrors.fail('DB_BUSY', `${where}: ${message}`, { where, cause: error });
  }
  if (
    transientCodes.has(code) ||
    transientErrnos.has(errno) ||
    message.includes('connection is in closed state') ||
    message.includes('Pool is closed')
  ) {
    return new FlowError('TRANSIENT_IO', `${where}: connection failed (${code || errno || 'closed'}): ${message}`, {
      where,
      cause: error,
      hint: 'Retried automatically. If it persists, check that the server is up and reachable and that nothing kills the connection.',
    });
  }
  if (recordErrnos.has(errno)) {
    return sqlErrors.fail('RECORD_CONSTRAINT', message, { where, cause: error, ...withField });
  }
  if (authErrnos.has(errno)) {
    return new FlowError('CONNECTION_FAILED', `${where}: ${message}`, {
      where,
      cause: error,
      hint: 'Check user, password and database of the connection, and that the user may connect from this host.',
    });
  }
  if (sqlErrnos.has(errno) || code.startsWith('ER_')) {
    const table = errorTable(message);
    return sqlErrors.fail('SQL_ERROR', `${where}: ${message}`, {
      where,
      cause: error,
      ...withField,
      ...(table === undefined ? {} : { hint: `Create table ${table} or correct its name.` }),
    });
  }
  return new FlowError('INTERNAL', `${where}: ${message}`, { kind: 'system', where, cause: error });
}
