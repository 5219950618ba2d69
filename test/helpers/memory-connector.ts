import { z } from 'zod';
import {
  createRecord,
  defineConnector,
  defineDestination,
  defineSource,
  defineStep,
  FlowError,
  type JsonObject,
  type Page,
} from '../../src/sdk/index.js';

/**
 * A connector over in-process arrays, for engine tests: the source pages through `rows`
 * (checkpoint = index of the next row), the destination upserts into `tables` by `id`.
 * Behaviour hooks let tests inject failures at chosen moments.
 */
export interface MemoryWorld {
  rows: JsonObject[];
  tables: Map<string, Map<string, JsonObject>>;
  /** Called before each destination write; may throw to simulate outages. */
  beforeWrite?: (records: readonly JsonObject[], call: number) => void;
  /** Called after each page is yielded by the source (index of the page, 0-based). */
  onPage?: (page: number) => void;
  writes: number;
  opens: number;
  closes: number;
}

export function memoryWorld(rows: JsonObject[]): MemoryWorld {
  return { rows, tables: new Map(), writes: 0, opens: 0, closes: 0 };
}

const rowsConfig = z.object({ pageSize: z.number().int().positive().default(10) }).strict();
const tableConfig = z
  .object({
    table: z.string(),
    rejectWhen: z.string().optional(),
    /** Return `<idPrefix><row id>` as each written record's id (WriteResult.ids). */
    idPrefix: z.string().optional(),
  })
  .strict();

export function memoryConnector(world: MemoryWorld) {
  return defineConnector({
    name: 'memory',
    description: 'in-process arrays (tests)',
    connection: z.object({}).strict(),
    open: () => {
      world.opens += 1;
      return world;
    },
    check: async () => undefined,
    close: async () => {
      world.closes += 1;
    },
    sources: [
      defineSource<z.infer<typeof rowsConfig>, MemoryWorld>({
        type: 'rows',
        description: 'rows of the world',
        config: rowsConfig,
        async *read({ config, connection, from }) {
          let i = typeof from === 'number' ? from : 0;
          let page = 0;
          while (i < connection.rows.length) {
            const slice = connection.rows.slice(i, i + config.pageSize);
            const records = slice.map((data, k) =>
              createRecord(data, { id: String(data.id ?? i + k), position: `row ${i + k}` }),
            );
            i += slice.length;
            const p: Page = { records, checkpoint: i };
            yield p;
            connection.onPage?.(page++);
          }
        },
      }),
    ],
    destinations: [
      defineDestination<z.infer<typeof tableConfig>, MemoryWorld>({
        type: 'table',
        description: 'upsert by id',
        config: tableConfig,
        async open({ config, connection }) {
          const table = connection.tables.get(config.table) ?? new Map<string, JsonObject>();
          connection.tables.set(config.table, table);
          return {
            async write(records) {
              connection.writes += 1;
              connection.beforeWrite?.(
                records.map((r) => r.data),
                connection.writes,
              );
              const rejected: { index: number; error: FlowError }[] = [];
              records.forEach((r, index) => {
                if (config.rejectWhen && r.data[config.rejectWhen] !== undefined) {
                  rejected.push({
                    index,
                    error: new FlowError('RECORD_CONSTRAINT', `field ${config.rejectWhen} is not allowed`, {
                      field: config.rejectWhen,
                    }),
                  });
                } else table.set(String(r.data.id), r.data);
              });
              const refused = new Set(rejected.map((r) => r.index));
              const prefix = config.idPrefix;
              if (prefix === undefined) return { rejected };
              return {
                rejected,
                ids: records.map((r, i) => (refused.has(i) ? undefined : `${prefix}${String(r.data.id)}`)),
              };
            },
            async close() {},
          };
        },
      }),
    ],
  });
}

/** A step that fails records whose `bad` field is set, and drops those with `drop`. */
export const checkStep = defineStep({
  type: 'check',
  description: 'test step',
  config: z.object({}).strict(),
  create: ({ where }) => ({
    process(records) {
      const out = [];
      const failed = [];
      for (const r of records) {
        if (r.data.drop) continue;
        if (r.data.bad)
          failed.push({
            record: r,
            error: new FlowError('RECORD_BAD_VALUE', `bad is ${String(r.data.bad)}`, { where, field: 'bad' }),
          });
        else out.push(r);
      }
      return { records: out, failed };
    },
  }),
});

/** A buffering step: holds every record and emits one summary record `{ id: 'total', count }` at flush. */
export const countStep = defineStep({
  type: 'count',
  description: 'test step that buffers',
  config: z.object({}).strict(),
  create: () => {
    let count = 0;
    return {
      process(records) {
        count += records.length;
        return { records: [], failed: [] };
      },
      flush() {
        return { records: [createRecord({ id: 'total', count }, { id: 'total' })], failed: [] };
      },
    };
  },
});
