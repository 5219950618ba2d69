import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DestinationHarness,
  describeDestinationConformance,
  type Row,
} from '../../../test/conformance/destination-conformance.js';
import { openFileCount } from '../../../test/conformance/open-files.js';
import { describeSourceConformance, type SourceHarness } from '../../../test/conformance/source-conformance.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Context, Destination, Json, Page, Source } from '../../sdk/index.js';
import type { FileConnection } from './connection.js';
import { csvDestination } from './csv-destination.js';
import { csvSource } from './csv-source.js';
import { jsonDestination } from './json-destination.js';
import { jsonSource } from './json-source.js';
import { jsonlDestination } from './jsonl-destination.js';
import { jsonlSource } from './jsonl-source.js';

const { dir } = tempContext('syncline-file-conformance-');
const connection: FileConnection = { dir };
const items = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, name: `item ${i + 1}` }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

/** A file source's harness: `good` holds the seven items, `bad` some lines it cannot read. */
function fileSource(
  source: Source<unknown, FileConnection>,
  good: { path: string; ids: string[] },
  bad: { path: string; ids: string[]; failedIds: string[] },
  abortBug?: string,
): SourceHarness {
  const read = (path: string, from: Json | undefined, ctx: Context): AsyncIterable<Page> =>
    source.read(
      { config: source.config.parse({ path, pageSize: 2 }), connection, ...(from === undefined ? {} : { from }) },
      ctx,
    );
  return {
    ...(abortBug === undefined ? {} : { abort: { bug: abortBug } }),
    read: ({ from }, ctx) => read(good.path, from, ctx),
    ids: () => good.ids,
    delta: { skip: 'a file has no change cursor: file sources read it whole (delta is not offered)' },
    badRows: { read: (ctx) => read(bad.path, undefined, ctx), ids: () => bad.ids, failedIds: () => bad.failedIds },
    // the file stays open while the read is
    resources: { held: () => Promise.resolve(openFileCount(join(dir, good.path))), holdsWhileOpen: true },
  };
}

/** The bug the abort test finds in the line-based file sources. */
const windowBug = (file: string) =>
  `${file} checks the signal once per read window (64 KiB of text), not per page: after an abort every page left in the window still comes`;

describeSourceConformance(
  'file.csv',
  fileSource(
    csvSource,
    {
      path: file('items.csv', `id,name\n${items.map((i) => `${i.id},${i.name}`).join('\n')}\n`),
      ids: items.map((_, i) => `line:${i + 2}`),
    },
    {
      path: file('bad.csv', 'id,name\n1,a\n2,"broken"quote\n3,too,many\n4,d\n'),
      ids: ['line:2', 'line:5'],
      failedIds: ['line:3', 'line:4'],
    },
    windowBug('csv-source.ts'),
  ),
);

describeSourceConformance(
  'file.jsonl',
  fileSource(
    jsonlSource,
    {
      path: file('items.jsonl', `${items.map((i) => JSON.stringify(i)).join('\n')}\n`),
      ids: items.map((_, i) => `line:${i + 1}`),
    },
    {
      path: file('bad.jsonl', '{"id":1}\n{"id":2, broken\n[1,2]\n{"id":4}\n'),
      ids: ['line:1', 'line:4'],
      failedIds: ['line:2', 'line:3'],
    },
    windowBug('jsonl-source.ts'),
  ),
);

describeSourceConformance(
  'file.json',
  fileSource(
    jsonSource,
    { path: file('items.json', JSON.stringify(items)), ids: items.map((_, i) => `index:${i}`) },
    { path: file('bad.json', '[{"id":1}, 7, {"id":3}]'), ids: ['index:0', 'index:2'], failedIds: ['index:1'] },
  ),
);

const asRow = (data: Record<string, unknown>): Row => ({
  id: Number(data['id']),
  name: (data['name'] ?? null) as string | null,
});

/** A file destination's harness: a fresh file per target, read back with `parse`. */
function fileDestination(
  destination: Destination<unknown, FileConnection>,
  extension: string,
  parse: (text: string) => Record<string, unknown>[],
): DestinationHarness {
  let n = 0;
  const onlyAdds = 'a file destination only adds records (overwrite or append mode): it has no key to update by';
  return {
    async target(seed) {
      if (seed.length > 0) throw new Error('file destinations are only asked to insert');
      const path = `out${++n}.${extension}`;
      return {
        open: (_operation, ctx) => destination.open({ config: destination.config.parse({ path }), connection }, ctx),
        rows: async () => parse(readFileSync(join(dir, path), 'utf8')).map(asRow),
      };
    },
    operations: { insert: {}, upsert: { skip: onlyAdds }, ignore: { skip: onlyAdds }, update: { skip: onlyAdds } },
    countsUnchanged: false,
    noKey: { skip: onlyAdds },
    rejects: { skip: 'a file takes every JSON record as it is: no record is refused alone' },
    rewrite: {
      skip: 'no page markers: overwrite mode writes the file whole through a temporary copy; append mode adds a page written again once more',
    },
    transient: {
      skip: 'a local file has no transient failure the destination could report (its I/O errors are permanent)',
    },
    permanent: {
      skip: 'no batch of JSON records is refused as a whole; the file’s own failures are tested in csv/json-destination tests',
    },
    ids: { skip: 'a file gives written records no ids' },
  };
}

describeDestinationConformance(
  'file.csv',
  fileDestination(csvDestination, 'csv', (text) => {
    const [header, ...lines] = text.trim().split('\n');
    const names = (header ?? '').split(',');
    return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
  }),
);
describeDestinationConformance(
  'file.jsonl',
  fileDestination(jsonlDestination, 'jsonl', (text) =>
    text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l)),
  ),
);
describeDestinationConformance(
  'file.json',
  fileDestination(jsonDestination, 'json', (text) => JSON.parse(text)),
);
