import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { createRecord, type JsonObject } from '../../sdk/index.js';
import { csvDestination } from './csv-destination.js';
import { csvSource } from './csv-source.js';

const { dir, ctx } = tempContext('syncline-csv-out-');
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: String(i) }));

async function writeAll(config: Record<string, unknown>, batches: JsonObject[][]): Promise<void> {
  const writer = await csvDestination.open({ config: csvDestination.config.parse(config), connection: { dir } }, ctx);
  for (const b of batches) expect(await writer.write(recs(b), ctx)).toEqual({ rejected: [], written: b.length });
  await writer.close(ctx);
}

describe('file.csv destination', () => {
  it('writes a header and rows that read back the same (quotes, newlines, nested values)', async () => {
    await writeAll({ path: 'out.csv' }, [
      [{ id: 1, name: 'say "hi", ok', note: 'a\nb', tags: ['x'], ok: true, none: null }],
      [{ id: 2, name: 'plain', extra: 'ignored' }],
    ]);
    const config = csvSource.config.parse({ path: 'out.csv' });
    const read = [];
    for await (const p of csvSource.read({ config, connection: { dir } }, ctx))
      read.push(...p.records.map((r) => r.data));
    expect(read).toEqual([
      { id: '1', name: 'say "hi", ok', note: 'a\nb', tags: '["x"]', ok: 'true', none: null },
      { id: '2', name: 'plain', note: null, tags: null, ok: null, none: null },
    ]);
  });

  it('replaces the file only on close, through a temporary file', async () => {
    writeFileSync(join(dir, 'keep.csv'), 'old\n1\n');
    const writer = await csvDestination.open(
      { config: csvDestination.config.parse({ path: 'keep.csv', columns: ['b', 'a'] }), connection: { dir } },
      ctx,
    );
    await writer.write(recs([{ a: 1, b: 2 }]), ctx);
    expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe('old\n1\n');
    await writer.close(ctx);
    expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe('b,a\n2,1\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('appends under the existing header, in its column order', async () => {
    writeFileSync(join(dir, 'log.csv'), 'b,a\n2,1\n');
    await writeAll({ path: 'log.csv', mode: 'append' }, [[{ a: 3, b: 4 }]]);
    expect(readFileSync(join(dir, 'log.csv'), 'utf8')).toBe('b,a\n2,1\n4,3\n');
    await writeAll({ path: 'new.csv', mode: 'append' }, [[{ a: 1 }], [{ a: 2 }]]);
    expect(readFileSync(join(dir, 'new.csv'), 'utf8')).toBe('a\n1\n2\n');
  });

  it('writes just the header for no records when columns are set, and fails for a missing folder', async () => {
    await writeAll({ path: 'empty.csv', columns: ['x', 'y'], delimiter: ';' }, []);
    expect(readFileSync(join(dir, 'empty.csv'), 'utf8')).toBe('x;y\n');
    const writer = await csvDestination.open(
      { config: csvDestination.config.parse({ path: 'no/such/dir/out.csv' }), connection: { dir } },
      ctx,
    );
    await expect(
      (async () => {
        await writer.write(recs([{ a: 1 }]), ctx);
        await writer.close(ctx);
      })(),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});
