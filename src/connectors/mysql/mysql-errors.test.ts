import { describe, expect, it } from 'vitest';
import type { Json } from '../../sdk/index.js';
import { errorColumn, isRecordError, mysqlError } from './mysql-errors.js';
import { sqlLiteral, toMysqlDatetime } from './sql-values.js';

const err = (code: string, errno: number | undefined, message: string, fatal = false) =>
  Object.assign(new Error(message), { code, errno, sqlMessage: message, fatal });

describe('mysqlError', () => {
  it.each([
    [
      err('PROTOCOL_CONNECTION_LOST', undefined, 'Connection lost: The server closed the connection.', true),
      'TRANSIENT_IO',
      'transient',
      undefined,
    ],
    [err('ECONNRESET', undefined, 'read ECONNRESET', true), 'TRANSIENT_IO', 'transient', undefined],
    [err('ER_CONNECTION_KILLED', 1927, 'Connection was killed'), 'TRANSIENT_IO', 'transient', undefined],
    [
      err('ER_LOCK_DEADLOCK', 1213, 'Deadlock found when trying to get lock; try restarting transaction'),
      'DB_BUSY',
      'transient',
      undefined,
    ],
    [
      err('ER_LOCK_WAIT_TIMEOUT', 1205, 'Lock wait timeout exceeded; try restarting transaction'),
      'DB_BUSY',
      'transient',
      undefined,
    ],
    [
      err('ER_PARSE_ERROR', 1064, "You have an error in your SQL syntax near 'selec 1'"),
      'SQL_ERROR',
      'config',
      undefined,
    ],
    [err('ER_NO_SUCH_TABLE', 1146, "Table 'test.nope' doesn't exist"), 'SQL_ERROR', 'config', undefined],
    [err('ER_BAD_FIELD_ERROR', 1054, "Unknown column 'nope' in 'field list'"), 'SQL_ERROR', 'config', 'nope'],
    [err('ER_DUP_ENTRY', 1062, "Duplicate entry 'a@x' for key 'email'"), 'RECORD_CONSTRAINT', 'record', 'email'],
    [err('ER_DUP_ENTRY', 1062, "Duplicate entry 'a@x' for key 'users.email'"), 'RECORD_CONSTRAINT', 'record', 'email'],
    [err('ER_DATA_TOO_LONG', 1406, "Data too long for column 'name' at row 2"), 'RECORD_CONSTRAINT', 'record', 'name'],
    [
      err('ER_TRUNCATED_WRONG_VALUE', 1292, "Incorrect datetime value: 'x' for column `test`.`t`.`d``x` at row 1"),
      'RECORD_CONSTRAINT',
      'record',
      'd`x',
    ],
    [
      err(
        'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
        1366,
        "Incorrect integer value: 'abc' for column `db`.`t`.`qty` at row 1",
      ),
      'RECORD_CONSTRAINT',
      'record',
      'qty',
    ],
    [err('ER_BAD_NULL_ERROR', 1048, "Column 'qty' cannot be null"), 'RECORD_CONSTRAINT', 'record', 'qty'],
    [
      err('ER_WARN_DATA_OUT_OF_RANGE', 1264, "Out of range value for column 't' at row 1"),
      'RECORD_CONSTRAINT',
      'record',
      't',
    ],
    [err('X', 4025, 'CONSTRAINT `t.j` failed for `test`.`t`'), 'RECORD_CONSTRAINT', 'record', 'j'],
    [
      err('ER_ACCESS_DENIED_ERROR', 1045, "Access denied for user 'root'@'127.0.0.1' (using password: YES)"),
      'CONNECTION_FAILED',
      'config',
      undefined,
    ],
  ])('%s → %s', (error, code, kind, field) => {
    const e = mysqlError(error, 'mysql h:3306/db');
    expect([e.code, e.kind, e.field]).toEqual([code, kind, field]);
    expect(e.message).toContain(error.message);
    expect(e.cause).toBe(error);
  });

  it('tells record errors apart and reads columns from messages', () => {
    expect(isRecordError(err('ER_DUP_ENTRY', 1062, 'x'))).toBe(true);
    expect(isRecordError(err('ER_PARSE_ERROR', 1064, 'x'))).toBe(false);
    expect(errorColumn("Field 'x' doesn't have a default value")).toBe('x');
    expect(errorColumn('something else')).toBeUndefined();
  });
});

describe('values', () => {
  it.each([
    ['2026-01-02T03:04:05Z', '2026-01-02 03:04:05'],
    ['2026-01-02T03:04:05.123456Z', '2026-01-02 03:04:05.123456'],
    ['2026-01-02T03:04:05.5+02:00', '2026-01-02 01:04:05.5'],
    ['2026-01-02 03:04', '2026-01-02 03:04:00'],
    ['2026-01-02', '2026-01-02'],
    ['not a date', 'not a date'],
  ])('DATETIME literal of %s is %s', (iso, expected) => {
    expect(toMysqlDatetime(iso)).toBe(expected);
  });

  it.each([
    [null, 'other', 'NULL'],
    [true, 'other', '1'],
    [1.5, 'other', '1.5'],
    ["a'b\\", 'other', "'a\\'b\\\\'"],
    [{ a: [1] }, 'other', `'{\\"a\\":[1]}'`],
    ['AP8=', 'binary', "X'00ff'"],
    ['9007199254740993', 'integer', '9007199254740993'],
    ['1; drop table t', 'integer', "'1; drop table t'"],
  ] as const)('literal of %j for a %s column', (value, kind, expected) => {
    expect(sqlLiteral(value as Json, kind)).toBe(expected);
  });
});
