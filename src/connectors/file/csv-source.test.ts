import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Json, Page } from '../../sdk/index.js';
import { csvSource } from './csv-source.js';

const { dir, ctx } = tempContext('syncline-csv-');

async function readAll(config: Record<string, unknown>, from?: Json): Promise<Page[]> {
  const parsed = csvSource.config.parse(config);
  const pages: Page[] = [];
  for await (const page of csvSource.read(
    { config: parsed, connection: { dir }, ...(from === undefined ? {} : { from }) },
    ctx,
  )) {
    pages.push(page);
  }
  return pages;
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const ids = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.meta.id));

describe('file.csv source', () => {
  const orders = file(
    'orders.csv',
    'id,name,note\n1,Ada,plain\n2,Grace,"two\nlines"\n\n3,"Linus ""L""",x\n4,Ken,"a,b"\n5,Barbara,"three\nphysical\nlines"\n6,Dennis,end\n',
  );

  it('reads records with line ids and positions, in pages with checkpoints', async () => {
    const pages = await readAll({ path: orders, pageSize: 2 });
    expect(pages.map((p) => p.records.length)).toEqual([2, 2, 2]);
    expect(ids(pages)).toEqual(['line:2', 'line:3', 'line:6', 'line:7', 'line:8', 'line:11']);
    expect(pages[0]?.records[1]?.data).toEqual({ id: '2', name: 'Grace', note: 'two\nlines' });
    expect(pages[1]?.records[0]?.data.name).toBe('Linus "L"');
    expect(pages[1]?.records[0]?.meta.position).toBe('orders.csv:6');
    expect(pages[0]?.checkpoint).toMatchObject({ line: 5, header: ['id', 'name', 'note'] });
  });

  it('keeps byte offsets exact across chunk boundaries and multi-byte characters', async () => {
    const rows = ['id,text'];
    for (let i = 1; i <= 40_000; i++) rows.push(`${i},"Zürich ✓ 東京 ${i}${i % 7 === 0 ? '\nsecond line' : ''}"`);
    const big = file('big.csv', `${rows.join('\r\n')}\r\n`);
    const pages = await readAll({ path: big, pageSize: 3_333 });
    const all = pages.flatMap((p) => p.records);
    expect(all).toHaveLength(40_000);
    for (const [i, page] of pages.entries()) {
      if (i === pages.length - 1) continue;
      const [next] = await (async () => {
        const parsed = csvSource.config.parse({ path: big, pageSize: 1 });
        for await (const p of csvSource.read(
          { config: parsed, connection: { dir }, from: page.checkpoint as Json },
          ctx,
        )) {
          return [p];
        }
        return [];
      })();
      expect(next?.records[0]).toEqual(pages[i + 1]?.records[0]);
    }
  });

  it('reports malformed lines as failed records and goes on', async () => {
    const bad = file('bad.csv', `id,name\n1,ok\n2,"broken"quote\n3,too,many\n4,${'x'.repeat(300)}"q\n5,fine\n`);
    const [page] = await readAll({ path: bad });
    expect(page?.records.map((r) => r.data.id)).toEqual(['1', '5']);
    const errors = page?.failed?.map((f) => f.error) ?? [];
    expect(errors.map((e) => [e.code, e.kind, e.where])).toEqual([
      ['RECORD_MALFORMED', 'record', 'bad.csv:3'],
      ['RECORD_MALFORMED', 'record', 'bad.csv:4'],
      ['RECORD_MALFORMED', 'record', 'bad.csv:5'],
    ]);
    expect(errors[0]?.message).toContain('2,"broken"quote');
    expect(errors[1]?.message).toMatch(/expected 2 fields, found 3: 3,too,many/);
    expect(errors[2]?.message.length).toBeLessThan(320);
    expect(page?.failed?.[1]?.record.data).toEqual({ raw: '3,too,many' });
    expect(page?.failed?.[1]?.record.meta.id).toBe('line:4');
  });

  it('an unterminated quote costs its own line only: the good lines after it are read, multi-line fields still work', async () => {
    const bad = file(
      'unterminated.csv',
      'id,name,note\n1,Ada,ok\n2,"Grace,never closed\n3,Linus,fine\n4,Ken,"a\nreal two-line note"\n5,Dennis,"closes here"\n',
    );
    const [page] = await readAll({ path: bad });
    expect(page?.records.map((r) => [r.meta.id, r.data.id, r.data.note])).toEqual([
      ['line:2', '1', 'ok'],
      ['line:4', '3', 'fine'],
      ['line:5', '4', 'a\nreal two-line note'],
      ['line:7', '5', 'closes here'],
    ]);
    expect(page?.failed?.map((f) => [f.record.meta.id, f.error.code])).toEqual([['line:3', 'RECORD_MALFORMED']]);
    expect(page?.failed?.[0]?.error.message).toContain('2,"Grace,never closed');
    expect(page?.failed?.[0]?.error.message).not.toContain('Linus');
  });

  it('converts typed columns; empty is null; a bad value is a record error naming column and line', async () => {
    const typed = file(
      'typed.csv',
      'n,i,b,d,j,s,free\n1.5,2,yes,2026-03-01,"{""a"":1}",x,\n,,,,,,\nabc,1,true,2026-01-01,1,x,y\n1,1.5,no,2026-01-01,1,x,y\n1,1,no,2026-02-30,1,x,y\n1,1,0,2026-03-01T10:00:00+02:00,[1],x,y\n',
    );
    const columns = { n: 'number', i: 'integer', b: 'boolean', d: 'date', j: 'json', s: 'string' };
    const [page] = await readAll({ path: typed, columns });
    expect(page?.records.map((r) => r.data)).toEqual([
      { n: 1.5, i: 2, b: true, d: '2026-03-01', j: { a: 1 }, s: 'x', free: null },
      { n: null, i: null, b: null, d: null, j: null, s: null, free: null },
      { n: 1, i: 1, b: false, d: '2026-03-01T08:00:00.000Z', j: [1], s: 'x', free: 'y' },
    ]);
    expect(page?.failed?.map((f) => [f.error.code, f.error.where, f.error.field])).toEqual([
      ['RECORD_BAD_VALUE', 'typed.csv:4', 'n'],
      ['RECORD_BAD_VALUE', 'typed.csv:5', 'i'],
      ['RECORD_BAD_VALUE', 'typed.csv:6', 'd'],
    ]);
    expect(page?.failed?.[0]?.error.message).toBe('column "n" is "abc", not a number (e.g. 12.5, -3, 1e6)');
    expect(page?.failed?.[0]?.record.data.n).toBe('abc');
  });

  it('rejects a typed column that is not in the header', async () => {
    await expect(readAll({ path: orders, columns: { nope: 'number' } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('"nope" is not in the header of orders.csv'),
    });
  });

  it('rejects a header that names a column twice', async () => {
    const dup = file('dup.csv', 'a,b,a\n1,2,3\n');
    await expect(readAll({ path: dup })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'column "a" appears twice in the header of dup.csv',
    });
  });

  it('reads files without a header using columnNames, with other delimiters and trimming', async () => {
    const plain = file('plain.tsv', ' 1 \t a \n2\tb\n');
    const [page] = await readAll({ path: plain, header: false, columnNames: ['id', 'v'], delimiter: '\t', trim: true });
    expect(page?.records.map((r) => [r.meta.id, r.data])).toEqual([
      ['line:1', { id: '1', v: 'a' }],
      ['line:2', { id: '2', v: 'b' }],
    ]);
    expect(() => csvSource.config.parse({ path: plain, header: false })).toThrow(/columnNames/);
  });

  it('skips a byte-order mark and keeps empty lines when asked', async () => {
    const bom = file('bom.csv', '\ufeffid\n1\n\n2\n');
    expect(ids(await readAll({ path: bom }))).toEqual(['line:2', 'line:4']);
    const kept = await readAll({ path: bom, skipEmptyLines: false });
    expect(kept.flatMap((p) => p.records.map((r) => r.data.id))).toEqual(['1', null, '2']);
    const raw = await readAll({ path: bom, skipEmptyLines: false, emptyAsNull: false });
    expect(raw.flatMap((p) => p.records.map((r) => r.data.id))).toEqual(['1', '', '2']);
  });

  it('reads latin1 files and resumes at their byte offsets', async () => {
    writeFileSync(join(dir, 'latin1.csv'), Buffer.from('city\nZürich\nGenève\nKöln\n', 'latin1'));
    const pages = await readAll({ path: 'latin1.csv', encoding: 'latin1', pageSize: 1 });
    expect(pages.map((p) => p.records[0]?.data.city)).toEqual(['Zürich', 'Genève', 'Köln']);
    expect(pages[0]?.checkpoint).toMatchObject({ offset: 12, line: 3 });
    const rest = await readAll({ path: 'latin1.csv', encoding: 'latin1' }, pages[0]?.checkpoint);
    expect(rest[0]?.records.map((r) => [r.meta.id, r.data.city])).toEqual([
      ['line:3', 'Genève'],
      ['line:4', 'Köln'],
    ]);
  });

  it('fails with FILE_NOT_FOUND naming the file', async () => {
    await expect(readAll({ path: 'missing.csv' })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining('missing.csv'),
    });
  });
});
