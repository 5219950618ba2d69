import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Json, Page } from '../../sdk/index.js';
import { jsonlSource } from './jsonl-source.js';

const { dir, ctx } = tempContext('syncline-jsonl-');

async function readAll(config: Record<string, unknown>, from?: Json): Promise<Page[]> {
  const parsed = jsonlSource.config.parse(config);
  const pages: Page[] = [];
  for await (const page of jsonlSource.read(
    { config: parsed, connection: { dir }, ...(from === undefined ? {} : { from }) },
    ctx,
  )) {
    pages.push(page);
  }
  return pages;
}

describe('file.jsonl source', () => {
  writeFileSync(
    join(dir, 'events.jsonl'),
    '{"id":1,"city":"Zürich"}\n\n{"id":2}\r\n{"id":3, broken\n[1,2]\n{"id":4}\n{"id":5}',
  );

  it('reads objects with line ids; invalid JSON and non-objects are malformed records', async () => {
    const pages = await readAll({ path: 'events.jsonl', pageSize: 100 });
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records.map((r) => [r.meta.id, r.data.id])).toEqual([
      ['line:1', 1],
      ['line:3', 2],
      ['line:6', 4],
      ['line:7', 5],
    ]);
    expect(pages[0]?.failed?.map((f) => [f.error.code, f.error.where])).toEqual([
      ['RECORD_MALFORMED', 'events.jsonl:4'],
      ['RECORD_MALFORMED', 'events.jsonl:5'],
    ]);
    expect(pages[0]?.failed?.[0]?.error.message).toMatch(/invalid JSON .*: \{"id":3, broken$/);
    expect(pages[0]?.failed?.[1]?.error.message).toMatch(/not a JSON object: \[1,2\]/);
  });

  it('resumes from every checkpoint with exactly the remaining lines', async () => {
    const all = await readAll({ path: 'events.jsonl', pageSize: 1 });
    const flat = all.map((p) => [...p.records.map((r) => r.meta.id), ...(p.failed ?? []).map((f) => f.record.meta.id)]);
    for (let i = 0; i < all.length; i++) {
      const rest = await readAll({ path: 'events.jsonl', pageSize: 1 }, all[i]?.checkpoint);
      expect(
        rest.map((p) => [...p.records.map((r) => r.meta.id), ...(p.failed ?? []).map((f) => f.record.meta.id)]),
      ).toEqual(flat.slice(i + 1));
    }
    expect(all.at(-1)?.checkpoint).toMatchObject({ line: 7 });
  });
});
