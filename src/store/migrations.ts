import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import { RUN_LEASE_MS } from '../sdk/index.js';
import { readInt, readIntOrNull, readTime, writeTime } from './codec.js';
import type { StoreDatabase } from './schema.js';
import { createSyncTables, dropSyncTables } from './sync-migration.js';

export type StoreDialect = 'sqlite' | 'postgres';

/** Column types that differ between the dialects; everything else is written once. */
function columnTypes(dialect: StoreDialect) {
  return dialect === 'sqlite'
    ? ({ time: 'text', json: 'text', ref: 'integer' } as const)
    : ({ time: 'timestamptz', json: 'jsonb', ref: 'bigint' } as const);
}

async function createTables(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('runs')
    .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('flow_file', 'text')
    .addColumn('started_at', t.time, (c) => c.notNull())
    .addColumn('ended_at', t.time)
    .addColumn('heartbeat_at', t.time, (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('counts', t.json, (c) => c.notNull())
    .addColumn('error', t.json)
    .addColumn('resumed_from', t.ref)
    .execute();
  await db.schema.createIndex('runs_flow_started').on('runs').columns(['flow', 'started_at']).execute();
  await db.schema.createIndex('runs_flow_status').on('runs').columns(['flow', 'status']).execute();
  // At most one running run per flow, enforced by the database: two processes starting the same flow
  // at the same moment cannot both get a run (the loser gets RUN_ALREADY_ACTIVE).
  await db.schema
    .createIndex('runs_one_running_per_flow')
    .on('runs')
    .column('flow')
    .unique()
    .where(sql.ref('status'), '=', 'running')
    .execute();

  await db.schema
    .createTable('run_pages')
    .addColumn('run_id', t.ref, (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('checkpoint', t.json)
    .addColumn('committed_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('run_pages_pk', ['run_id', 'seq'])
    .execute();

  await db.schema
    .createTable('checkpoints')
    .addColumn('flow', 'text', (c) => c.primaryKey())
    .addColumn('run_id', t.ref, (c) => c.notNull())
    .addColumn('checkpoint', t.json, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('watermarks')
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('value', t.json, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('watermarks_pk', ['flow', 'source'])
    .execute();

  await db.schema
    .createTable('error_records')
    .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('run_id', t.ref, (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('hint', 'text')
    .addColumn('field', 'text')
    .addColumn('payload', t.json, (c) => c.notNull())
    .addColumn('raw', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('note', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  // One index per ErrorFilter field; listErrors orders by created_at, so it ends the composite ones.
  const errorIndexes: [string, string[]][] = [
    ['error_records_flow_status', ['flow', 'status', 'created_at']],
    ['error_records_status', ['status', 'created_at']],
    ['error_records_run', ['run_id']],
    ['error_records_flow_record', ['flow', 'record_id']],
    ['error_records_code', ['code']],
    ['error_records_stage', ['stage']],
    ['error_records_created', ['created_at']],
  ];
  for (const [name, columns] of errorIndexes) {
    await db.schema.createIndex(name).on('error_records').columns(columns).execute();
  }
}

async function createSecrets(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('updated_at', columnTypes(dialect).time, (c) => c.notNull())
    .execute();
}

/** Events pushed to `syncline serve`, kept from before their acknowledgement until retention removes them. */
async function createInbox(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('inbox_events')
    .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text')
    // text, not jsonb: the event keeps its form (key order, \u0000 in strings, which jsonb refuses)
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', columnTypes(dialect).time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inbox_events_flow_seq').on('inbox_events').columns(['flow', 'seq']).execute();
  // a sender's event id is accepted once per flow (NULL ids never collide)
  await db.schema
    .createIndex('inbox_events_flow_event')
    .on('inbox_events')
    .columns(['flow', 'event_id'])
    .unique()
    .execute();
}

/** The history of each error record: every failure, retry and resolution, with its time. */
async function createErrorEvents(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('error_events')
    .addColumn('error_id', t.ref, (c) => c.notNull().references('error_records.id').onDelete('cascade'))
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('run_id', t.ref)
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('error_events_error').on('error_events').columns(['error_id', 'at']).execute();
  await db.schema.createIndex('error_records_updated').on('error_records').columns(['status', 'updated_at']).execute();
}

/** Circuit breakers per connection: their state survives a restart and `syncline status` reads it. */
async function createBreakers(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('breakers')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('opened_at', t.time)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

/** Keyed state of steps: shared lookup caches, dedupe keys, spilled aggregate groups. */
async function createStepState(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('step_state')
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', t.json, (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('step_state_pk', ['namespace', 'key'])
    .execute();
}

/** API tokens of `syncline serve` by name, as SHA-256 hashes (the token itself is shown once and never stored). */
async function createApiTokens(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', columnTypes(dialect).time, (c) => c.notNull())
    .execute();
}

/** Run leases: a flow's owner (a run), its fencing token and the time the ownership lapses. */
async function createLeases(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('leases')
    .addColumn('flow', 'text', (c) => c.primaryKey())
    .addColumn('run_id', t.ref)
    .addColumn('token', t.ref, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .execute();
}

/**
 * Error records are matched by content, not only by position: `fingerprint` identifies what failed (a
 * hash of the source record or raw text), so a different bad row on the same line is a record of its
 * own; `payload` on a history line keeps each payload a failure or retry brought, so none is ever lost.
 */
async function addErrorFingerprints(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema.alterTable('error_records').addColumn('fingerprint', 'text').execute();
  await db.schema.alterTable('error_events').addColumn('payload', columnTypes(dialect).json).execute();
}

/**
 * The ids destinations returned for written records, per run and page: what `runs show` reports and
 * what a bi-directional sync needs (source record key → id in the destination).
 */
async function createRecordIds(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('record_ids')
    .addColumn('run_id', t.ref, (c) => c.notNull())
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('pos', 'integer', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('record_key', 'text')
    .addColumn('dest_id', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('record_ids_run').on('record_ids').columns(['run_id', 'seq', 'pos']).execute();
  await db.schema
    .createIndex('record_ids_key')
    .on('record_ids')
    .columns(['flow', 'destination', 'record_key'])
    .execute();
}

/**
 * The lease becomes the only authority over a flow: it names its owner (`host:pid:instance`, null once
 * released). A lease whose run is still marked running gets that run's host and pid as its owner (no
 * instance: stored before owners had one); a running run from before leases (0008) gets a lease that
 * lapses one window after its last heartbeat. Every other lease is released.
 */
async function addLeaseOwners(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('leases').addColumn('owner', 'text').execute();
  const store = db as unknown as Kysely<StoreDatabase>;
  const running = await store.selectFrom('runs').selectAll().where('status', '=', 'running').execute();
  for (const run of running) {
    const owner = `${run.host}:${run.pid}:`;
    const lease = await store.selectFrom('leases').selectAll().where('flow', '=', run.flow).executeTakeFirst();
    if (lease === undefined) {
      const expires = new Date(readTime(run.heartbeat_at).getTime() + RUN_LEASE_MS);
      await store
        .insertInto('leases')
        .values({ flow: run.flow, owner, run_id: readInt(run.id), token: 1, expires_at: writeTime(expires) })
        .execute();
    } else if (readIntOrNull(lease.run_id) === readInt(run.id)) {
      await store.updateTable('leases').set({ owner }).where('flow', '=', run.flow).execute();
    }
  }
}

async function dropTables(db: Kysely<unknown>): Promise<void> {
  for (const table of ['error_records', 'watermarks', 'checkpoints', 'run_pages', 'runs']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

/** The migrations of the state store, in code (nothing is read from disk at run time). */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_initial': {
      up: (db: Kysely<unknown>) => createTables(db, dialect),
      down: (db: Kysely<unknown>) => dropTables(db),
    },
    '0002_secrets': {
      up: (db: Kysely<unknown>) => createSecrets(db, dialect),
      down: (db: Kysely<unknown>) => db.schema.dropTable('secrets').execute(),
    },
    '0003_inbox': {
      up: (db: Kysely<unknown>) => createInbox(db, dialect),
      down: (db: Kysely<unknown>) => db.schema.dropTable('inbox_events').execute(),
    },
    '0004_error_history': {
      up: (db: Kysely<unknown>) => createErrorEvents(db, dialect),
      down: (db: Kysely<unknown>) => db.schema.dropTable('error_events').execute(),
    },
    '0005_breakers': {
      up: (db: Kysely<unknown>) => createBreakers(db, dialect),
      down: (db: Kysely<unknown>) => db.schema.dropTable('breakers').execute(),
    },
    '0006_step_state': {
      up: (db: Kysely<unknown>) => createStepState(db, dialect),
      down: (db: Kysely<unknown>) => db.schema.dropTable('step_state').execute(),
    },
    '0007_api_tokens': {
      up: (db: Kysely<unknown>) => createApiTokens(db, dialect),
      down: (db: Kysely<unknown>) => db.schema.dropTable('api_tokens').execute(),
    },
    '0008_leases': {
      up: (db: Kysely<unknown>) => createLeases(db, dialect),
      down: (db: Kysely<unknown>) => db.schema.dropTable('leases').execute(),
    },
    '0009_error_fingerprints': {
      up: (db: Kysely<unknown>) => addErrorFingerprints(db, dialect),
      down: async (db: Kysely<unknown>) => {
        await db.schema.alterTable('error_events').dropColumn('payload').execute();
        await db.schema.alterTable('error_records').dropColumn('fingerprint').execute();
      },
    },
    '0010_record_ids': {
      up: (db: Kysely<unknown>) => createRecordIds(db, dialect),
      down: (db: Kysely<unknown>) => db.schema.dropTable('record_ids').execute(),
    },
    '0011_lease_owners': {
      up: (db: Kysely<unknown>) => addLeaseOwners(db),
      down: (db: Kysely<unknown>) => db.schema.alterTable('leases').dropColumn('owner').execute(),
    },
    '0012_syncs': {
      up: (db: Kysely<unknown>) => createSyncTables(db, dialect),
      down: (db: Kysely<unknown>) => dropSyncTables(db),
    },
  };
}

export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  return { getMigrations: async () => storeMigrations(dialect) };
}
