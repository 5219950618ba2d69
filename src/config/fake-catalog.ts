import { z } from 'zod';
import { defineConnector, defineDestination, defineSource, defineStep, type Step } from '../sdk/index.js';
import type { Catalog } from './catalog.js';

/**
 * A tiny catalog for the spec tests (the real connectors live elsewhere): a `file` and a
 * `sqlite` connector and three built-in steps, each with a small zod schema.
 */
const nothing = {
  open: () => ({}),
  check: async () => {},
  close: async () => {},
};

const writer = async () => ({ write: async () => ({ rejected: [] }), close: async () => {} });

async function* noPages() {}

const fileConnector = defineConnector({
  name: 'file',
  description: 'Files in a folder',
  connection: z.object({ dir: z.string() }),
  ...nothing,
  sources: [
    defineSource({
      type: 'csv',
      description: 'A CSV file',
      config: z.object({
        path: z.string(),
        delimiter: z.string().length(1).default(','),
        header: z.boolean().default(true),
      }),
      read: noPages,
    }),
  ],
  destinations: [
    defineDestination({
      type: 'jsonl',
      description: 'A JSON-lines file',
      config: z.object({ path: z.string() }),
      open: writer,
    }),
  ],
});

const sqliteConnector = defineConnector({
  name: 'sqlite',
  description: 'A SQLite database',
  connection: z.strictObject({ path: z.string(), timeoutMs: z.number().int().default(5000) }),
  ...nothing,
  sources: [
    defineSource({ type: 'query', description: 'A query', config: z.object({ sql: z.string() }), read: noPages }),
  ],
  destinations: [
    defineDestination({
      type: 'table',
      description: 'A table',
      config: z.object({
        table: z.string(),
        operation: z.enum(['insert', 'update', 'upsert']).default('insert'),
        key: z.array(z.string()).optional(),
      }),
      open: writer,
    }),
  ],
  steps: [
    defineStep({
      type: 'lookup',
      description: 'Looks a value up',
      config: z.object({ connection: z.string(), query: z.string() }),
      create: () => ({ process: (records) => ({ records: [...records], failed: [] }) }),
    }),
  ],
});

const passThrough = () => ({ process: (records: readonly never[]) => ({ records: [...records], failed: [] }) });

const mapField = z.union([
  z.string(),
  z.object({ from: z.string().optional(), transform: z.enum(['lowercase', 'uppercase', 'trim']).optional() }),
]);

const steps: Step[] = [
  defineStep({ type: 'map', description: 'Maps fields', config: z.record(z.string(), mapField), create: passThrough }),
  defineStep({
    type: 'filter',
    description: 'Keeps matching records',
    config: z.object({
      all: z.array(z.object({ field: z.string(), op: z.enum(['eq', 'ne', 'gt']), value: z.unknown() })),
    }),
    create: passThrough,
  }),
  defineStep({
    type: 'dedupe',
    description: 'Drops repeats',
    config: z.object({ key: z.string().default('id') }),
    create: passThrough,
  }),
];

export const fakeCatalog: Catalog = { connectors: [fileConnector, sqliteConnector], steps };
