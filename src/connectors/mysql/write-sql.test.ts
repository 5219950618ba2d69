import { describe, expect, it } from 'vitest';
import { chunkRows, createTableSql, insertCounts, insertSql, MAX_PLACEHOLDERS, updateSql } from './write-sql.js';

describe('write SQL', () => {
  it.each([
    ['insert', false, 'INSERT INTO `t` (`id`, `a`) VALUES ', ''],
    ['ignore', false, 'INSERT INTO `t` (`id`, `a`) VALUES ', ' ON DUPLICATE KEY UPDATE `id` = `id`'],
    ['upsert', false, 'INSERT INTO `t` (`id`, `a`) VALUES ', ' ON DUPLICATE KEY UPDATE `a` = VALUES(`a`)'],
    [
      'upsert',
      true,
      'INSERT INTO `t` (`id`, `a`) VALUES ',
      ' AS `syncline_new` ON DUPLICATE KEY UPDATE `a` = `syncline_new`.`a`',
    ],
  ] as const)('%s (row alias %s)', (operation, rowAlias, head, tail) => {
    expect(insertSql(operation, 't', ['id', 'a'], ['id'], { rowAlias })).toEqual({ head, tail });
  });

  it('upserts of key columns only leave the row alone; hostile names are quoted', () => {
    expect(insertSql('upsert', 'x`y', ['k`'], ['k`'], { rowAlias: false }).tail).toBe(
      ' ON DUPLICATE KEY UPDATE `k``` = `k```',
    );
    expect(updateSql('t', ['id', 'a b'], ['id'], (c) => (c === 'id' ? '1' : "'v'"))).toBe(
      "UPDATE `t` SET `a b` = 'v' WHERE `id` = 1",
    );
  });

  it('chunks rows by bytes and by the 65,535 placeholder limit', () => {
    const rows = Array.from({ length: 10 }, () => '(1234567)'); // 9 bytes + 1 separator
    expect(chunkRows(rows, 1, 30)).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 10],
    ]);
    const many = Array.from({ length: 20_000 }, () => '(1,2,3,4,5,6,7,8,9,10)');
    const chunks = chunkRows(many, 10, 1 << 30);
    expect(chunks.every(([a, b]) => (b - a) * 10 <= MAX_PLACEHOLDERS)).toBe(true);
    expect(chunks[0]).toEqual([0, 6553]);
    expect(chunkRows(['(a very long row)'], 1, 5)).toEqual([[0, 1]]);
  });

  it.each([
    ['upsert', 3, 4, 'Records: 3  Duplicates: 1  Warnings: 0', { written: 2 + 1, skipped: 0 }],
    ['upsert', 3, 0, 'Records: 3  Duplicates: 0  Warnings: 0', { written: 0, skipped: 3 }],
    ['upsert', 1, 2, '', { written: 1, skipped: 0 }],
    ['upsert', 1, 0, '', { written: 0, skipped: 1 }],
    ['ignore', 4, 1, 'Records: 4  Duplicates: 0  Warnings: 0', { written: 1, skipped: 3 }],
    ['insert', 2, 2, 'Records: 2  Duplicates: 0  Warnings: 0', { written: 2, skipped: 0 }],
  ] as const)('counts %s of %i rows with affectedRows %i', (operation, rows, affected, info, expected) => {
    expect(insertCounts(operation, rows, affected, info)).toEqual(expected);
  });

  it('creates tables with types guessed from the values', () => {
    expect(
      createTableSql(
        't',
        ['k', 'i', 'r', 'b', 'j', 's', 'n'],
        ['k'],
        [{ k: 'a', i: 1, r: 1.5, b: true, j: { a: 1 }, s: 'x', n: null }],
      ),
    ).toBe(
      'CREATE TABLE IF NOT EXISTS `t` (`k` VARCHAR(255) NOT NULL, `i` BIGINT NULL, `r` DOUBLE NULL, `b` BOOLEAN NULL, `j` JSON NULL, `s` TEXT NULL, `n` TEXT NULL, PRIMARY KEY (`k`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
  });
});
