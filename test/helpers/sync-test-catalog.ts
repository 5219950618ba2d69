import { z } from 'zod';
import type { Catalog } from '../../src/config/catalog.js';
import { tableProblems } from '../../src/kit/index.js';
import { defineConnector, defineDestination, defineSource } from '../../src/sdk/index.js';
import { builtinSteps } from '../../src/steps/index.js';

/**
 * A catalog for the sync config tests: a `db` connector whose table destination has keyed writes (its
 * "tables" are the connection's `tables:` setting, so `validate --connect` has columns to check without
 * a server), a `files` connector without keyed writes, and the built-in steps (the real map step).
 */
type Tables = Readonly<Record<string, readonly string[]>>;

const writer = async () => ({ write: async () => ({ rejected: [] }), close: async () => {} });

async function* noPages() {}

const tableConfig = z.strictObject({
  table: z.string().min(1),
  operation: z.enum(['insert', 'update', 'upsert', 'delete']).default('insert'),
  key: z.array(z.string().min(1)).optional(),
  columns: z.array(z.string()).optional(),
});
type TableConfig = z.infer<typeof tableConfig>;

const dbConnector = defineConnector<{ tables: Tables }, { tables: Tables }>({
  name: 'db',
  description: 'A database (test double)',
  connection: z.strictObject({ tables: z.record(z.string(), z.array(z.string())).default({}) }),
  open: (config) => ({ tables: config.tables }),
  check: async () => {},
  close: async () => {},
  sources: [
    defineSource({
      type: 'table',
      description: 'Reads a table',
      config: z.strictObject({ table: z.string().min(1), pageSize: z.number().int().positive().default(1000) }),
      read: noPages,
    }),
    defineSource({
      type: 'query',
      description: 'Reads a query',
      config: z.strictObject({ query: z.string().min(1) }),
      read: noPages,
    }),
  ],
  destinations: [
    defineDestination<TableConfig, { tables: Tables }>({
      type: 'table',
      description: 'Writes a table',
      config: tableConfig,
      open: writer,
      keyedWrites: {
        operations: ['insert', 'update', 'delete'],
        config: (config, operation, key) => ({ ...config, operation, key: [key] }),
      },
      validate: async ({ config, connection, fields }) => {
        const columns = connection.tables[config.table];
        return tableProblems(
          { operation: 'update', key: config.key, columns: config.columns, createTable: false },
          columns === undefined ? undefined : { name: config.table, columns: [...columns] },
          {
            missing: config.table,
            fields,
          },
        );
      },
    }),
    defineDestination<TableConfig, { tables: Tables }>({
      type: 'rows',
      description: 'Writes rows by key, without deleting',
      config: tableConfig,
      open: writer,
      keyedWrites: {
        operations: ['insert', 'update'],
        config: (config, operation, key) => ({ ...config, operation, key: [key] }),
      },
    }),
    defineDestination({
      type: 'log',
      description: 'Appends lines (no keyed writes)',
      config: z.strictObject({ table: z.string().min(1) }),
      open: writer,
    }),
  ],
});

const filesConnector = defineConnector({
  name: 'files',
  description: 'Files (no keyed writes)',
  connection: z.strictObject({ dir: z.string() }),
  open: () => ({}),
  check: async () => {},
  close: async () => {},
  sources: [
    defineSource({
      type: 'csv',
      description: 'A CSV file',
      config: z.strictObject({ path: z.string() }),
      read: noPages,
    }),
  ],
  destinations: [
    defineDestination({
      type: 'jsonl',
      description: 'A JSON-lines file',
      config: z.strictObject({ path: z.string() }),
      open: writer,
    }),
  ],
});

export const syncTestCatalog: Catalog = { connectors: [dbConnector, filesConnector], steps: builtinSteps };
