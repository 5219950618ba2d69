import { describe, expect, it } from 'vitest';
import { type CreateTableDialect, createdColumns, createTableStatement } from './create-table-statement.js';

const dialect: CreateTableDialect = {
  quoteIdent: (name) => `"${name}"`,
  columnType: (values, isKey) => (isKey ? 'KEYTYPE' : values.some((v) => typeof v === 'number') ? 'NUM' : ''),
};

describe('createTableStatement', () => {
  it('types each column from its values, keys NOT NULL, then the primary key', () => {
    expect(createTableStatement(dialect, '"t"', ['id', 'n', 'x'], ['id'], [{ id: 'a', n: 1 }, { x: 'y' }])).toBe(
      'CREATE TABLE IF NOT EXISTS "t" ("id" KEYTYPE NOT NULL, "n" NUM, "x", PRIMARY KEY ("id"))',
    );
  });

  it('adds the nullable marker and the table options of a dialect that has them', () => {
    const mysql = { ...dialect, quoteIdent: (n: string) => `\`${n}\``, nullable: ' NULL', options: ' ENGINE=InnoDB' };
    expect(createTableStatement(mysql, '`t`', ['a', 'b'], ['a', 'b'], [])).toBe(
      'CREATE TABLE IF NOT EXISTS `t` (`a` KEYTYPE NOT NULL, `b` KEYTYPE NOT NULL, PRIMARY KEY (`a`, `b`)) ENGINE=InnoDB',
    );
    expect(createTableStatement(mysql, '`t`', ['c'], [], [{ c: 1 }])).toBe(
      'CREATE TABLE IF NOT EXISTS `t` (`c` NUM NULL) ENGINE=InnoDB',
    );
  });
});

describe('createdColumns', () => {
  it('takes columns: when set, else every field of the batch, and always the key', () => {
    expect(createdColumns({ columns: ['b'], key: ['id'] }, [{ id: 1, a: 1, b: 2 }])).toEqual(['b', 'id']);
    expect(createdColumns({ key: ['id'] }, [{ a: 1 }, { b: 2, id: 3 }])).toEqual(['a', 'b', 'id']);
  });
});
