import { describe, expect, it } from 'vitest';
import { copyErrorPosition, pgError } from './pg-errors.js';

const err = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields['message'] ?? 'boom')), fields);

describe('pgError', () => {
  it.each([
    [{ code: '08006' }, 'TRANSIENT_IO', 'transient'],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, 'TRANSIENT_IO', 'transient'],
    [{ code: 'ECONNREFUSED' }, 'TRANSIENT_IO', 'transient'],
    [{ message: 'Connection terminated unexpectedly' }, 'TRANSIENT_IO', 'transient'],
    [{ code: '40001' }, 'DB_BUSY', 'transient'],
    [{ code: '40P01' }, 'DB_BUSY', 'transient'],
    [{ code: '42601', message: 'syntax error at or near "selec"' }, 'SQL_ERROR', 'config'],
    [{ code: '42P01', message: 'relation "nope" does not exist' }, 'SQL_ERROR', 'config'],
    [{ code: '22P02' }, 'RECORD_CONSTRAINT', 'record'],
    [{ code: '23505' }, 'RECORD_CONSTRAINT', 'record'],
    [{ code: '28P01' }, 'CONNECTION_FAILED', 'config'],
    [{ code: '3D000' }, 'CONNECTION_FAILED', 'config'],
    [{ code: 'XX000' }, 'INTERNAL', 'system'],
  ])('%j → %s', (fields, code, kind) => {
    expect(pgError(err(fields), 'pg t')).toMatchObject({ code, kind });
  });

  it('names the column: the column field, the key in the detail, the COPY position, the message', () => {
    expect(pgError(err({ code: '23502', column: 'qty' }), 'w').field).toBe('qty');
    expect(pgError(err({ code: '23505', detail: 'Key (email)=(a@b) already exists.' }), 'w').field).toBe('email');
    expect(pgError(err({ code: '22P02', where: 'COPY s, line 7, column "we ird": "x"' }), 'w').field).toBe('we ird');
    expect(pgError(err({ code: '42703', message: 'column "nah" does not exist' }), 'w')).toMatchObject({
      field: 'nah',
      hint: expect.stringContaining('"nah"'),
    });
    expect(pgError(err({ code: '42P01', message: 'relation "x.y" does not exist' }), 'w').hint).toContain('x.y');
  });

  it('leaves the whole row of `Failing row contains (…)` out of the message (it holds personal data)', () => {
    const row = err({
      code: '23514',
      message: 'new row for relation "people" violates check constraint "people_total_check"',
      detail: 'Failing row contains (1, ada@example.com, 0).',
    });
    expect(pgError(row, 'w').message).toBe(
      'new row for relation "people" violates check constraint "people_total_check"',
    );
    const key = err({ code: '23505', message: 'duplicate key', detail: 'Key (id)=(7) already exists.' });
    expect(pgError(key, 'w').message).toBe('duplicate key (Key (id)=(7) already exists.)');
  });

  it('reads the line of a COPY error', () => {
    expect(copyErrorPosition(err({ where: 'COPY staging, line 501, column qty: "lots"' }))).toEqual({
      line: 501,
      column: 'qty',
    });
    expect(copyErrorPosition(err({ where: 'COPY staging, line 3' }))).toEqual({ line: 3 });
    expect(copyErrorPosition(err({}))).toBeUndefined();
  });
});
