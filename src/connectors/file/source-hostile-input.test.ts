import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Json, Page, Source } from '../../sdk/index.js';
import type { FileConnection } from './connection.js';
import { csvSource } from './csv-source.js';
import { jsonSource } from './json-source.js';
import { jsonlSource } from './jsonl-source.js';

const { dir, ctx } = tempContext('syncline-hostile-');

async function readAll<C>(
  source: Source<C, FileConnection>,
  config: Record<string, unknown>,
  from?: Json,
): Promise<Page[]> {
  const parsed = source.config.parse(config);
  const pages: Page[] = [];
  for await (const page of source.read(
    { config: parsed, connection: { dir }, ...(from === undefined ? {} : { from }) },
    ctx,
  )) {
    pages.push(page);
  }
  return pages;
}

function file(name: string, content: string | Buffer): string {
  writeFileSync(join(dir, name), content);
  return name;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const ids = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.meta.id));
const failures = (pages: Page[]) => pages.flatMap((p) => (p.failed ?? []).map((f) => [f.record.meta.id, f.error.code]));

describe('invalid UTF-8 is a record error, never a silent U+FFFD', () => {
  // "Zürich" written in Latin-1 (0xFC) inside a UTF-8 file; a real U+FFFD (EF BF BD) on line 4 is valid text
  const bytes = Buffer.concat([
    Buffer.from('id,city\n1,Bern\n2,'),
    latin1('Zürich'),
    Buffer.from('\n3,Caf\u00e9 \ufffd ok\n4,Genève\n'),
  ]);
  const csv = file('mixed.csv', bytes);

  it('csv: the line with invalid bytes fails with RECORD_INVALID_TEXT and its byte offset; the others pass', async () => {
    const pages = await readAll(csvSource, { path: csv });
    expect(ids(pages)).toEqual(['line:2', 'line:4', 'line:5']);
    expect(failures(pages)).toEqual([['line:3', 'RECORD_INVALID_TEXT']]);
    const failed = pages[0]?.failed?.[0];
    expect(failed?.error.message).toBe('line 3 holds bytes that are not valid UTF-8 (at byte offset 18 of the file)');
    expect(failed?.error.hint).toContain('encoding');
    expect(pages[0]?.records[1]?.data.city).toBe('Caf\u00e9 \ufffd ok');
  });

  it('csv: invalidText: replace reads them as U+FFFD, and checkpoints stay exact byte offsets', async () => {
    const pages = await readAll(csvSource, { path: csv, invalidText: 'replace', pageSize: 1 });
    expect(pages.flatMap((p) => p.records.map((r) => r.data.city))).toEqual([
      'Bern',
      'Z\ufffdrich',
      'Caf\u00e9 \ufffd ok',
      'Genève',
    ]);
    // resuming after "Z?rich" (one invalid byte, not three) starts exactly at line 4
    const resumed = await readAll(csvSource, { path: csv, invalidText: 'replace' }, pages[1]?.checkpoint);
    expect(ids(resumed)).toEqual(['line:4', 'line:5']);
    expect(resumed[0]?.records[0]?.data.city).toBe('Caf\u00e9 \ufffd ok');
  });

  it('csv: an invalid byte split across read chunks and truncated sequences are found too', async () => {
    const rows = ['id,text'];
    for (let i = 1; i <= 30_000; i++) rows.push(`${i},Zürich ✓ ${i}`);
    const head = Buffer.from(`${rows.join('\n')}\n`);
    const bad = Buffer.concat([head, Buffer.from('30001,'), Buffer.from([0xe2, 0x9c]), Buffer.from('\n30002,end\n')]);
    const pages = await readAll(csvSource, { path: file('big-bad.csv', bad), pageSize: 7_000 });
    expect(pages.flatMap((p) => p.records)).toHaveLength(30_001);
    expect(failures(pages)).toEqual([['line:30002', 'RECORD_INVALID_TEXT']]);
  });

  it('jsonl: same rule', async () => {
    const path = file(
      'mixed.jsonl',
      Buffer.concat([Buffer.from('{"id":1}\n{"id":2,"c":"'), latin1('ü'), Buffer.from('"}\n{"id":3}\n')]),
    );
    const pages = await readAll(jsonlSource, { path });
    expect(ids(pages)).toEqual(['line:1', 'line:3']);
    expect(failures(pages)).toEqual([['line:2', 'RECORD_INVALID_TEXT']]);
    const replaced = await readAll(jsonlSource, { path, invalidText: 'replace' });
    expect(replaced[0]?.records[1]?.data).toEqual({ id: 2, c: '\ufffd' });
  });

  it('json array: the element holding invalid bytes fails; replace reads U+FFFD', async () => {
    const path = file(
      'mixed.json',
      Buffer.concat([Buffer.from('[{"id":1},{"id":2,"c":"a'), latin1('ü'), Buffer.from('b"},{"id":3}]')]),
    );
    const pages = await readAll(jsonSource, { path });
    expect(ids(pages)).toEqual(['index:0', 'index:2']);
    expect(failures(pages)).toEqual([['index:1', 'RECORD_INVALID_TEXT']]);
    const replaced = await readAll(jsonSource, { path, invalidText: 'replace' });
    expect(replaced[0]?.records[1]?.data).toEqual({ id: 2, c: 'a\ufffdb' });
  });

  it('latin1 files read as latin1 are not affected', async () => {
    const path = file('latin.csv', latin1('id,city\n1,Zürich\n'));
    const pages = await readAll(csvSource, { path, encoding: 'latin1' });
    expect(pages[0]?.records[0]?.data.city).toBe('Zürich');
  });
});

describe('a line longer than maxLineLength is a record error, skipped without holding it in memory', () => {
  it('csv: an unquoted line far longer than the cap costs its own line; reading goes on', async () => {
    const long = 'x'.repeat(3_000_000);
    const path = file('long.csv', `id,v\n1,a\n2,${long}\n3,b\n`);
    const pages = await readAll(csvSource, { path, maxLineLength: 100_000 });
    expect(pages.flatMap((p) => p.records.map((r) => r.data.id))).toEqual(['1', '3']);
    expect(failures(pages)).toEqual([['line:3', 'RECORD_TOO_LARGE']]);
    const failed = pages[0]?.failed?.[0];
    expect(failed?.error.message).toBe('line 3 is longer than 100,000 characters');
    expect(String(failed?.record.data.raw).length).toBe(65_536);
  });

  it('csv: a too-long last line without a line break, and a long line the window holds whole', async () => {
    const path = file('long-end.csv', `id,v\n1,a\n2,${'y'.repeat(200_000)}`);
    const pages = await readAll(csvSource, { path, maxLineLength: 50_000 });
    expect(pages.flatMap((p) => p.records.map((r) => r.data.id))).toEqual(['1']);
    expect(failures(pages)).toEqual([['line:3', 'RECORD_TOO_LARGE']]);
  });

  it('csv: the default cap (16 MiB) stops a 40 MB line with bounded memory', async () => {
    const path = file(
      'huge.csv',
      Buffer.concat([Buffer.from('id,v\n1,'), Buffer.alloc(40_000_000, 0x61), Buffer.from('\n2,ok\n')]),
    );
    const before = process.memoryUsage().rss;
    const pages = await readAll(csvSource, { path });
    const grown = process.memoryUsage().rss - before;
    expect(pages.flatMap((p) => p.records.map((r) => r.data.id))).toEqual(['2']);
    expect(failures(pages)).toEqual([['line:2', 'RECORD_TOO_LARGE']]);
    // the line is never held whole: at most the cap plus a chunk (a 40 MB string would be ≥ 40 MB)
    expect(grown).toBeLessThan(120_000_000);
  });

  it('jsonl: same rule', async () => {
    const path = file('long.jsonl', `{"id":1}\n{"id":2,"v":"${'z'.repeat(300_000)}"}\n{"id":3}\n`);
    const pages = await readAll(jsonlSource, { path, maxLineLength: 100_000 });
    expect(ids(pages)).toEqual(['line:1', 'line:3']);
    expect(failures(pages)).toEqual([['line:2', 'RECORD_TOO_LARGE']]);
  });
});

describe('delimiters and decimal commas', () => {
  it('a ";" file read with the default delimiter is refused with the setting to use', async () => {
    const path = file('semi.csv', 'id;name;amount\n1;Ada;12,50\n');
    await expect(readAll(csvSource, { path })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('seems to be delimited by ";"'),
      hint: 'Set `delimiter: ";"` on the source.',
    });
    await expect(readAll(csvSource, { path, columns: { amount: 'number' } })).rejects.toMatchObject({
      hint: 'Set `delimiter: ";"` on the source.',
    });
  });

  it('header: false with columnNames: a line of one field says which delimiter it seems to use', async () => {
    const path = file('semi-nohead.csv', '1\tAda\n');
    const pages = await readAll(csvSource, { path, header: false, columnNames: ['id', 'name'] });
    expect(pages[0]?.failed?.[0]?.error.message).toContain('set delimiter: "\\t"');
  });

  it('number columns with a decimal comma and a thousands separator', async () => {
    const path = file('euro.csv', 'id;amount;qty\n1;1.234,50;3\n2;12,5;1.000\n3;12.5;1\n');
    const pages = await readAll(csvSource, {
      path,
      delimiter: ';',
      columns: { amount: { type: 'number', decimal: ',', thousands: '.' }, qty: { type: 'integer', thousands: '.' } },
    });
    expect(pages[0]?.records.map((r) => r.data)).toEqual([
      { id: '1', amount: 1234.5, qty: 3 },
      { id: '2', amount: 12.5, qty: 1000 },
    ]);
    // "12.5" with decimal "," and thousands "." is ambiguous (1,25? 125?): a record error, not a guess
    expect(pages[0]?.failed?.[0]?.error.message).toBe(
      'column "amount" is "12.5", not a number with a decimal comma (e.g. 12,5)',
    );
  });

  it('decimal and thousands separators must differ', () => {
    expect(() =>
      csvSource.config.parse({ path: 'x.csv', columns: { a: { type: 'number', decimal: ',', thousands: ',' } } }),
    ).toThrow(/must differ/);
  });
});
