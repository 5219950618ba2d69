import { afterAll, beforeAll, describe } from 'vitest';
import type { Context, Destination, JsonObject, Source, Step } from '../../src/sdk/index.js';
import type { Capability } from './capability.js';
import { type DestinationTarget, describeDestinationConformance, type Row } from './destination-conformance.js';
import { describeLookupConformance } from './lookup-conformance.js';
import { describeSourceConformance } from './source-conformance.js';
import { sqlItems, sqlLookupConfig, sqlLookupRecords, sqlTableCapabilities } from './sql-harness.js';

/** A fresh table `(id int primary key, name … not null)` of the destination suite, with its seed rows. */
export interface SqlTable<K> {
  readonly name: string;
  /** The connection the destination writes through. */
  readonly connection: K;
  rows(): Promise<Row[]>;
}

/**
 * How one SQL connector reaches its database; `describeSqlConformance` runs the source suites over its
 * table and query sources, the destination suite over its table destination and the lookup suite.
 */
export interface SqlConformanceHarness<K> {
  /** The connector's name: the suites are `<name>.table`, `<name>.query`, `<name>.lookup`. */
  readonly name: string;
  /** False when the server does not answer (`requireServer`): the suites skip. */
  readonly up: boolean;
  /** Creates the database and seeds `items` (`sqlItems`, `updated_at` a timestamp) and `customers` (`sqlCustomerRows`). */
  setup(): Promise<void>;
  /** Drops what `setup` made (after the suites closed their connections). */
  teardown(): Promise<void>;
  /** Opens a connection to the seeded database: the suites open one per source, so a probe sees that source's reads only, and one to write and look up through. */
  connect(): Promise<K>;
  close(connection: K): Promise<void>;
  /** What reads hold on `connection` now (pool clients checked out or streaming, read transactions). */
  held(connection: K): Promise<number>;
  /** How the database hands rows over, for the skipped bad-rows parts: "the server hands every value over typed". */
  readonly typedRows: string;
  readonly table: { readonly source: Source<unknown, K> };
  readonly query: {
    readonly source: Source<unknown, K>;
    /** Over `items`, `order by id`: all rows, or those changed after `:since` where `delta` says so. */
    readonly config: JsonObject;
    /** How a read since a watermark is given: the `:since` parameter, a `cursorField`, or not at all. */
    readonly delta: Capability<{ readonly by: 'param' | 'cursorField' }>;
  };
  readonly destination: {
    readonly of: Destination<unknown, K>;
    /** Variants of the config the suite runs each (postgres: mode copy, mode insert); default one, as is. */
    readonly variants?: readonly { readonly label: string; readonly config: JsonObject }[];
    /** A fresh table holding `seed`, written through `connection` (or a connection of its own). */
    table(seed: readonly Row[], label: string, connection: K): Promise<SqlTable<K>>;
    /** The transient failure: `write` (the suite's batch) runs while the table is locked and the lock holder fails it. */
    readonly transient: {
      readonly code: string;
      fail(table: SqlTable<K>, write: () => Promise<unknown>): Promise<unknown>;
    };
  };
  readonly lookup: {
    readonly of: Step;
    /** Counts the lookup's queries: through a connection that counts them, or the metrics of the context. */
    readonly count:
      | { connection(connection: K, count: () => void): K }
      | { context(ctx: Context, count: (by: number) => void): Context };
    readonly failure: Capability<{ record(): JsonObject; readonly code: string }>;
  };
}

/** The source, destination and lookup suites over one SQL connector's database. */
export function describeSqlConformance<K>(title: string, h: SqlConformanceHarness<K>): void {
  const { ids, at } = sqlItems;
  describe.skipIf(!h.up)(title, () => {
    let write: K;
    let tableReads: K;
    let queryReads: K;
    let lookups: K;
    let calls = 0;
    const count = (by = 1) => {
      calls += by;
    };
    beforeAll(async () => {
      await h.setup();
      [write, tableReads, queryReads] = [await h.connect(), await h.connect(), await h.connect()];
      lookups = 'connection' in h.lookup.count ? h.lookup.count.connection(write, count) : write;
    });
    afterAll(async () => {
      for (const c of [write, tableReads, queryReads]) if (c !== undefined) await h.close(c);
      await h.teardown();
    });

    describeSourceConformance(`${h.name}.table`, {
      read: ({ from, since }, ctx) =>
        h.table.source.read(
          {
            config: h.table.source.config.parse({ table: 'items', pageSize: 2 }),
            connection: tableReads,
            ...(from === undefined ? {} : { from }),
            ...(since === undefined ? {} : { since, cursorField: 'updated_at' }),
          },
          ctx,
        ),
      ids: () => ids.map(String),
      delta: { since: () => at(3), ids: () => ['7', '8', '9'] },
      badRows: { skip: `a table row always reads: ${h.typedRows}` },
      resources: { held: () => h.held(tableReads), holdsWhileOpen: false },
    });

    const delta = h.query.delta;
    describeSourceConformance(`${h.name}.query`, {
      read: ({ from, since }, ctx) =>
        h.query.source.read(
          {
            config: h.query.source.config.parse(h.query.config),
            connection: queryReads,
            ...(from === undefined ? {} : { from }),
            ...(since === undefined || 'skip' in delta
              ? {}
              : { since, ...(delta.by === 'cursorField' ? { cursorField: 'updated_at' } : {}) }),
          },
          ctx,
        ),
      ids: () => ids.map((_, i) => `row:${i + 1}`),
      delta: 'skip' in delta ? delta : { since: () => at(3), ids: () => ['row:1', 'row:2', 'row:3'] },
      badRows: { skip: `a query row always reads: ${h.typedRows}` },
      // the query streams (a cursor, a reader) on a connection of its own while the read is open
      resources: { held: () => h.held(queryReads), holdsWhileOpen: true },
    });

    const counting = h.lookup.count;
    const withCount = (ctx: Context) => ('context' in counting ? counting.context(ctx, count) : ctx);
    const d = h.destination;
    for (const variant of d.variants ?? [{ label: '', config: {} }]) {
      const tables = new WeakMap<DestinationTarget, SqlTable<K>>();
      describeDestinationConformance(`${h.name}.table${variant.label ? ` (${variant.label})` : ''}`, {
        async target(seed: readonly Row[]) {
          const table = await d.table(seed, variant.label, write);
          const target: DestinationTarget = {
            open: (operation, ctx) =>
              d.of.open(
                {
                  config: d.of.config.parse({ table: table.name, operation, key: 'id', ...variant.config }),
                  connection: table.connection,
                },
                ctx,
              ),
            rows: () => table.rows(),
          };
          tables.set(target, table);
          return target;
        },
        ...sqlTableCapabilities,
        transient: {
          code: d.transient.code,
          fail: (target, writer, records, ctx) =>
            d.transient.fail(tables.get(target) as SqlTable<K>, () =>
              writer.write(records, ctx).catch((e: unknown) => e),
            ),
        },
      });
    }

    describeLookupConformance(`${h.name}.lookup`, {
      create: (options, ctx) =>
        h.lookup.of.create(
          {
            config: h.lookup.of.config.parse(sqlLookupConfig(options)),
            where: 'flow f/step lookup',
            connection: lookups,
          },
          ctx,
        ),
      ...('context' in h.lookup.count ? { context: (ctx: Context) => withCount(ctx) } : {}),
      ...sqlLookupRecords,
      calls: () => calls,
      failure: h.lookup.failure,
    });
  });
}

/** A server session that can lock a row of a table and end another session's statement. */
export interface LockingSession {
  /** Begins a transaction and inserts row id 3 into `table` (the suite's batch writes id 3 too). */
  lock(table: string): Promise<unknown>;
  /** The id of the session whose statement waits on that lock now, if one does. */
  waiting(table: string): Promise<number | undefined>;
  /** Ends that session (its connection breaks: the write fails transiently). */
  kill(id: number): Promise<unknown>;
  /** Rolls the lock back. */
  unlock(): Promise<unknown>;
}

/**
 * The transient failure of a server database: the write waits on a row another session inserted, and
 * its session is killed (up to 5 s to see it waiting).
 */
export function killWaitingWrite<K>(session: LockingSession) {
  return async (table: SqlTable<K>, write: () => Promise<unknown>): Promise<unknown> => {
    try {
      await session.lock(table.name);
      const writing = write();
      let id: number | undefined;
      for (let i = 0; i < 250 && id === undefined; i++) {
        await new Promise((r) => setTimeout(r, 20));
        id = await session.waiting(table.name);
      }
      if (id === undefined) throw new Error('the write never waited on the lock');
      await session.kill(id);
      return await writing;
    } finally {
      await session.unlock();
    }
  };
}
