import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { createRecord, type JsonObject } from '../../sdk/index.js';
import { jsonDestination } from './json-destination.js';
import { jsonlDestination } from './jsonl-destination.js';

const { dir, ctx } = tempContext('syncline-json-out-');
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: String(i) }));
const destinations = { json: jsonDestination, jsonl: jsonlDestination };

async function writeAll(
  type: 'json' | 'jsonl',
  config: Record<string, unknown>,
  batches: JsonObject[][],
  partial = false,
) {
  const d = destinations[type];
  const writer = await d.open({ config: d.config.parse(config), connection: { dir }, partial }, ctx);
  for (const b of batches) expect(await writer.write(recs(b), ctx)).toMatchObject({ rejected: [], written: b.length });
  await writer.close(ctx);
  return readFileSync(join(dir, config.path as string), 'utf8');
}

describe('file.json and file.jsonl destinations', () => {
  it('writes a JSON array streamed over batches', async () => {
    const text = await writeAll('json', { path: 'a.json' }, [[{ a: 1 }, { b: [2] }], [], [{ c: 'ü' }]]);
    expect(JSON.parse(text)).toEqual([{ a: 1 }, { b: [2] }, { c: 'ü' }]);
    expect(JSON.parse(await writeAll('json', { path: 'empty.json' }, []))).toEqual([]);
  });

  it('refuses to append to a JSON array', () => {
    expect(() => jsonDestination.config.parse({ path: 'a.json', mode: 'append' })).toThrow(/file.jsonl/);
  });

  it('writes and appends JSON Lines', async () => {
    expect(await writeAll('jsonl', { path: 'a.jsonl' }, [[{ a: 1 }], [{ a: 2 }]])).toBe('{"a":1}\n{"a":2}\n');
    expect(await writeAll('jsonl', { path: 'a.jsonl', mode: 'append' }, [[{ a: 3 }]])).toBe(
      '{"a":1}\n{"a":2}\n{"a":3}\n',
    );
    expect(await writeAll('jsonl', { path: 'a.jsonl' }, [[{ a: 4 }]])).toBe('{"a":4}\n');
  });

  it('adds the records of a retry (partial) to the array or the lines, never replacing the file', async () => {
    await writeAll('json', { path: 'r.json' }, [[{ a: 1 }, { a: 2 }]]);
    expect(JSON.parse(await writeAll('json', { path: 'r.json' }, [[{ a: 3 }]], true))).toEqual([
      { a: 1 },
      { a: 2 },
      { a: 3 },
    ]);
    // an array written by another tool, on one line with trailing blanks; an empty one; no file yet
    writeFileSync(join(dir, 'other.json'), '[{"x":1} ,{"x":2}]  \n\n');
    expect(JSON.parse(await writeAll('json', { path: 'other.json' }, [[{ x: 3 }]], true))).toEqual([
      { x: 1 },
      { x: 2 },
      { x: 3 },
    ]);
    writeFileSync(join(dir, 'empty.json'), '[ ]');
    expect(JSON.parse(await writeAll('json', { path: 'empty.json' }, [[{ y: 1 }]], true))).toEqual([{ y: 1 }]);
    expect(JSON.parse(await writeAll('json', { path: 'new.json' }, [[{ z: 1 }]], true))).toEqual([{ z: 1 }]);
    await writeAll('jsonl', { path: 'r.jsonl' }, [[{ a: 1 }]]);
    expect(await writeAll('jsonl', { path: 'r.jsonl' }, [[{ a: 2 }]], true)).toBe('{"a":1}\n{"a":2}\n');
  });

  it('refuses to add a retried record to a file that is not a JSON array, leaving it as it was', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"not": "an array"}\n');
    await expect(
      jsonDestination.open(
        { config: { path: 'broken.json', mode: 'overwrite' }, connection: { dir }, partial: true },
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'ERROR_RECORD_NOT_RETRYABLE', message: expect.stringContaining('broken.json') });
    expect(readFileSync(join(dir, 'broken.json'), 'utf8')).toBe('{"not": "an array"}\n');
  });
});
