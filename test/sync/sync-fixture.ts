import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ProjectDefinition, SyncDefinition } from '../../src/config/definition.js';
import { sqliteConnector } from '../../src/connectors/sqlite/index.js';
import { tableSourceConfig } from '../../src/connectors/sqlite/table-source.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { tableDestinationConfig } from '../../src/kit/sql/table-destination-config.js';
import { type Connector, type JsonObject, type Logger, ManualClock } from '../../src/sdk/index.js';
import { openStore } from '../../src/store/index.js';
import type { RunRow, StateStore } from '../../src/store/state-store.js';

/**
 * Two SQLite databases as the two sides of a sync — a "CRM" (contacts: id, email, name, phone,
 * updated_at, deleted) and an "ERP" (customers: cid, mail, full_name, tel, changed, removed) — an
 * in-memory SQLite store, a ManualClock and an engine; `sync(…)` builds the SyncDefinition, overrides
 * taking precedence.
 */
export interface SyncWorld {
  readonly crm: Database.Database;
  readonly erp: Database.Database;
  readonly clock: ManualClock;
  readonly store: StateStore;
  readonly engine: Engine;
  project(sync?: Partial<SyncDefinition>): ProjectDefinition;
  run(sync?: Partial<SyncDefinition>, options?: { signal?: AbortSignal; full?: boolean }): Promise<RunRow>;
  /** The current time as the sides write it (ISO), after moving the clock on by a second. */
  tick(): string;
  contacts(): JsonObject[];
  customers(): JsonObject[];
  close(): Promise<void>;
}

export const SYNC = 'customers';

export function syncDefinition(overrides: Partial<SyncDefinition> = {}): SyncDefinition {
  const side = (s: 'a' | 'b') => {
    const crm = s === 'a';
    return {
      side: s,
      label: crm ? 'crm' : 'erp',
      connection: crm ? 'crm' : 'erp',
      source: {
        type: 'sqlite.table',
        config: tableSourceConfig.parse({
          table: crm ? 'contacts' : 'customers',
          key: crm ? 'id' : 'cid',
          pageSize: 2,
        }),
        where: `sync.yaml:${crm ? 3 : 8}:5`,
      },
      destination: {
        type: 'sqlite.table',
        config: tableDestinationConfig.parse({ table: crm ? 'contacts' : 'customers' }),
        where: `sync.yaml:${crm ? 4 : 9}:5`,
      },
      key: crm ? 'id' : 'cid',
      cursor: crm ? 'updated_at' : 'changed',
      deleted: { field: crm ? 'deleted' : 'removed' },
      stampCursor: true,
      where: `sync.yaml:${crm ? 2 : 7}:3`,
    } as const;
  };
  return {
    name: SYNC,
    a: side('a'),
    b: side('b'),
    fields: [
      { name: 'email', a: 'email', b: 'mail', direction: 'both', conflict: 'a', where: 'sync.yaml:12:5' },
      { name: 'name', a: 'name', b: 'full_name', direction: 'both', where: 'sync.yaml:13:5' },
      { name: 'phone', a: 'phone', b: 'tel', direction: 'both', where: 'sync.yaml:14:5' },
    ],
    match: { fields: ['email'], normalize: ['trim', 'lowercase'], maxAmbiguous: 10 },
    conflicts: { policy: 'manual', skewMs: 0 },
    deletes: { policy: 'ignore' },
    batchSize: 2,
    maxAttempts: 3,
    pii: ['email', 'mail', 'phone', 'tel'],
    where: 'sync.yaml:1:1',
    ...overrides,
  };
}

export async function syncWorld(
  options: {
    connectors?: (base: Connector) => Connector /** The store's file (default: in memory). */;
    store?: string;
    /** The engine's logger (default: silent). */
    log?: Logger;
  } = {},
): Promise<SyncWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'sync-run-'));
  const crm = new Database(join(dir, 'crm.db'));
  const erp = new Database(join(dir, 'erp.db'));
  crm.exec(
    'CREATE TABLE contacts (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT, name TEXT, phone TEXT, updated_at TEXT, deleted INTEGER NOT NULL DEFAULT 0)',
  );
  erp.exec(
    'CREATE TABLE customers (cid INTEGER PRIMARY KEY AUTOINCREMENT, mail TEXT, full_name TEXT, tel TEXT, changed TEXT, removed INTEGER NOT NULL DEFAULT 0)',
  );
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const store = await openStore(options.store === undefined ? ':memory:' : join(dir, options.store));
  const connector = options.connectors ? options.connectors(sqliteConnector) : sqliteConnector;
  const engine = createEngine({
    connectors: [connector],
    steps: [],
    store,
    clock,
    retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 },
    ...(options.log ? { log: options.log } : {}),
  });
  const project = (sync: Partial<SyncDefinition> = {}): ProjectDefinition => ({
    file: join(dir, 'sync.yaml'),
    baseDir: dir,
    connections: {
      crm: {
        name: 'crm',
        type: 'sqlite',
        config: { path: 'crm.db', readonly: false, pragmas: {} },
        where: 'sync.yaml:20:3',
      },
      erp: {
        name: 'erp',
        type: 'sqlite',
        config: { path: 'erp.db', readonly: false, pragmas: {} },
        where: 'sync.yaml:21:3',
      },
    },
    flows: {},
    syncs: { [SYNC]: syncDefinition(sync) },
  });
  const tick = () => {
    clock.advance(1000);
    return clock.now().toISOString();
  };
  return {
    crm,
    erp,
    clock,
    store,
    engine,
    project,
    tick,
    run: async (sync, o = {}) => {
      tick();
      const run = await engine.run(project(sync), SYNC, { trigger: 'test', ...o });
      tick();
      return run;
    },
    contacts: () => crm.prepare('SELECT * FROM contacts ORDER BY id').all() as JsonObject[],
    customers: () => erp.prepare('SELECT * FROM customers ORDER BY cid').all() as JsonObject[],
    async close() {
      await engine.close();
      await store.close();
      crm.close();
      erp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One write call a side's destination received: its table, operation and records' data. */
export interface WriteCall {
  readonly table: string;
  readonly operation: string;
  readonly records: JsonObject[];
}

/**
 * The connector with its destinations' writers wrapped: every write call is noted in `calls`, and
 * `intercept` may replace a call's result (refuse records, throw after writing: a crash).
 */
export function recordingConnector(
  calls: WriteCall[],
  intercept?: (
    call: WriteCall,
    write: () => Promise<import('../../src/sdk/index.js').WriteResult>,
  ) => Promise<import('../../src/sdk/index.js').WriteResult>,
): (base: Connector) => Connector {
  return (base) => ({
    ...base,
    destinations: (base.destinations ?? []).map((d) => ({
      ...d,
      async open(args, ctx) {
        const writer = await d.open(args, ctx);
        const config = args.config as { table: string; operation: string };
        return {
          ...writer,
          write: async (records, c, batch) => {
            const call = {
              table: config.table,
              operation: config.operation,
              records: records.map((r) => ({ ...r.data })),
            };
            calls.push(call);
            const write = () => writer.write(records, c, batch);
            return intercept ? intercept(call, write) : write();
          },
          close: (c) => writer.close(c),
          ...(writer.abort
            ? {
                abort: (c: import('../../src/sdk/index.js').Context) =>
                  (writer.abort as (x: typeof c) => Promise<void>)(c),
              }
            : {}),
        };
      },
    })),
  });
}

/** Inserts a contact into the crm side (a: contacts) as its users would. */
export function addContact(w: SyncWorld, email: string, name: string, phone: string | null, updatedAt: string | null) {
  w.crm
    .prepare('INSERT INTO contacts (email, name, phone, updated_at) VALUES (?, ?, ?, ?)')
    .run(email, name, phone, updatedAt);
}

/** Inserts a customer into the erp side (b: customers) as its users would. */
export function addCustomer(w: SyncWorld, mail: string, fullName: string, tel: string | null, changed: string | null) {
  w.erp
    .prepare('INSERT INTO customers (mail, full_name, tel, changed) VALUES (?, ?, ?, ?)')
    .run(mail, fullName, tel, changed);
}

/** One pair that matches by email: contact 1 (crm) and customer 1 (erp), same values. */
export function seedPair(w: SyncWorld) {
  const t = '2025-12-31T00:00:00.000Z';
  addContact(w, 'ann@x.org', 'Ann', '1', t);
  addCustomer(w, 'ann@x.org', 'Ann', '1', t);
}
