import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Json, Page } from '../../sdk/index.js';
import { jsonSource } from './json-source.js';

const { dir, ctx } = tempContext('syncline-json-');

async function readAll(config: Record<string, unknown>, from?: Json): Promise<Page[]> {
  const parsed = jsonSource.config.parse(config);
  const pages: Page[] = [];
  for await (const page of jsonSource.read(
    { config: parsed, connection: { dir }, ...(from === undefined ? {} : { from }) },
    ctx,
  )) {
    pages.push(page);
  }
  return pages;
}

describe('file.json source', () => {
  writeFileSync(join(dir, 'top.json'), JSON.stringify([{ id: 1 }, { id: 2, tags: ['a'] }, 7, { id: 4 }]));
  writeFileSync(
    join(dir, 'nested.json'),
    JSON.stringify({ meta: { n: 2 }, data: { items: [{ id: 'a' }, { id: 'b' }] } }),
  );

  it('streams the elements of a top-level array; a non-object element is malformed', async () => {
    const pages = await readAll({ path: 'top.json', pageSize: 2 });
    expect(pages.flatMap((p) => p.records.map((r) => [r.meta.id, r.data]))).toEqual([
      ['index:0', { id: 1 }],
      ['index:1', { id: 2, tags: ['a'] }],
      ['index:3', { id: 4 }],
    ]);
    expect(pages[1]?.failed?.[0]?.error).toMatchObject({ code: 'RECORD_MALFORMED', where: 'top.json[2]' });
    expect(pages.map((p) => p.checkpoint)).toEqual([{ index: 2 }, { index: 4 }]);
  });

  it('reads the array at recordsPath', async () => {
    const pages = await readAll({ path: 'nested.json', recordsPath: 'data.items' });
    expect(pages[0]?.records.map((r) => [r.data.id, r.meta.position])).toEqual([
      ['a', 'nested.json:data.items[0]'],
      ['b', 'nested.json:data.items[1]'],
    ]);
  });

  it('follows a bracketed key with dots and an index, as every path in a flow file', async () => {
    writeFileSync(
      join(dir, 'dotted.json'),
      JSON.stringify({ 'odata.value': [{ id: 'x' }], pages: [{ rows: [] }, { rows: [{ id: 'y' }, { id: 'z' }] }] }),
    );
    const dotted = await readAll({ path: 'dotted.json', recordsPath: '["odata.value"]' });
    expect(dotted.flatMap((p) => p.records.map((r) => r.data.id))).toEqual(['x']);
    const indexed = await readAll({ path: 'dotted.json', recordsPath: 'pages[1].rows' });
    expect(indexed.flatMap((p) => p.records.map((r) => r.data.id))).toEqual(['y', 'z']);
    expect(
      jsonSource.config.safeParse({ path: 'a.json', recordsPath: 'pages[-1].rows' }).error?.issues[0]?.message,
    ).toContain('cannot be streamed');
    expect(jsonSource.config.safeParse({ path: 'a.json', recordsPath: 'data[' }).error?.issues[0]?.message).toContain(
      'bad path',
    );
  });

  it.each([
    [
      'a recordsPath that does not exist',
      { path: 'nested.json', recordsPath: 'data.nope' },
      /"data.nope" was not found/,
    ],
    ['a recordsPath that is not an array', { path: 'nested.json', recordsPath: 'meta' }, /"meta" is not an array/],
    ['a document that is not an array', { path: 'nested.json' }, /top-level value is not an array/],
  ])('fails clearly for %s', async (_name, config, message) => {
    await expect(readAll(config)).rejects.toMatchObject({ kind: 'config', message: expect.stringMatching(message) });
  });

  it('fails for invalid JSON and for a missing file', async () => {
    writeFileSync(join(dir, 'broken.json'), '[{"a":1},{"b":');
    await expect(readAll({ path: 'broken.json' })).rejects.toMatchObject({ code: 'RECORD_MALFORMED', kind: 'config' });
    await expect(readAll({ path: 'missing.json' })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
