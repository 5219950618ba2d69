import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Page, Source } from '../../sdk/index.js';
import type { FileConnection } from './connection.js';
import { csvSource } from './csv-source.js';
import { jsonSource } from './json-source.js';
import { jsonlSource } from './jsonl-source.js';

const { dir, ctx } = tempContext('syncline-progress-');

async function pages<C>(source: Source<C, FileConnection>, config: Record<string, unknown>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of source.read({ config: source.config.parse(config), connection: { dir } }, ctx))
    out.push(page);
  return out;
}

describe('file sources report how far they are (bytes of the file) with each page', () => {
  const rows = Array.from({ length: 60_000 }, (_, i) => ({ id: i, name: `name ${i}` }));
  writeFileSync(join(dir, 'p.csv'), `id,name\n${rows.map((r) => `${r.id},${r.name}`).join('\n')}\n`);
  writeFileSync(join(dir, 'p.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  writeFileSync(join(dir, 'p.json'), JSON.stringify(rows));

  it.each([
    ['csv', csvSource as Source<unknown, FileConnection>, 'p.csv'],
    ['jsonl', jsonlSource as Source<unknown, FileConnection>, 'p.jsonl'],
    ['json', jsonSource as Source<unknown, FileConnection>, 'p.json'],
  ])('%s', async (_, source, path) => {
    const read = await pages(source, { path, pageSize: 10_000 });
    const size = statSync(join(dir, path)).size;
    const done = read.map((p) => p.progress?.done ?? -1);
    expect(read.every((p) => p.progress?.total === size)).toBe(true);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(size);
    expect(done[0]).toBeLessThan(size);
  });
});
