import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from './migrations.js';

/** An auto-numbered id column in either dialect. */
const autoId = (dialect: StoreDialect) => (dialect === 'sqlite' ? 'integer' : 'bigint');

/**
 * The state of bi-directional syncs (migration 0012): links (the identity map), the staging queue of
 * changes read and not yet applied, the conflict queue and the keys a reconcile pass saw. Record
 * values are kept as JSON text (`text`, also on PostgreSQL: the values keep their form and a `\u0000`
 * in a string, which jsonb refuses, does not fail a run); flags are 0/1 integers. Side watermarks live
 * in `watermarks` (flow = the sync, source = `sync:a` / `sync:b`).
 */
export async function createSyncTables(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const time = dialect === 'sqlite' ? 'text' : 'timestamptz';
  const ref = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('sync_links')
    .addColumn('id', autoId(dialect), (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('sync', 'text', (c) => c.notNull())
    .addColumn('a_id', 'text')
    .addColumn('b_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('a_hash', 'text')
    .addColumn('b_hash', 'text')
    .addColumn('base_a', 'text', (c) => c.notNull())
    .addColumn('base_b', 'text', (c) => c.notNull())
    .addColumn('a_changed_at', 'text', (c) => c.notNull())
    .addColumn('b_changed_at', 'text', (c) => c.notNull())
    .addColumn('intent', 'text')
    .addColumn('deleted_on', 'text')
    .addColumn('error', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('synced_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  // one link per record on each side; NULL (a side still being created) may repeat in both dialects
  await db.schema.createIndex('sync_links_a').on('sync_links').columns(['sync', 'a_id']).unique().execute();
  await db.schema.createIndex('sync_links_b').on('sync_links').columns(['sync', 'b_id']).unique().execute();
  await db.schema.createIndex('sync_links_status').on('sync_links').columns(['sync', 'status', 'id']).execute();

  await db.schema
    .createTable('sync_changes')
    .addColumn('sync', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('rid', 'text', (c) => c.notNull())
    .addColumn('seq', ref, (c) => c.notNull())
    .addColumn('match_key', 'text')
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('values', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('parked', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('sync_changes_pk', ['sync', 'side', 'rid'])
    .execute();
  await db.schema.createIndex('sync_changes_seq').on('sync_changes').columns(['sync', 'seq']).execute();
  await db.schema.createIndex('sync_changes_match').on('sync_changes').columns(['sync', 'match_key']).execute();
  await db.schema.createIndex('sync_changes_hash').on('sync_changes').columns(['sync', 'side', 'hash']).execute();

  await db.schema
    .createTable('sync_conflicts')
    .addColumn('id', autoId(dialect), (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('sync', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('link_id', ref)
    .addColumn('field', 'text')
    .addColumn('a_id', 'text')
    .addColumn('b_id', 'text')
    .addColumn('base', 'text', (c) => c.notNull())
    .addColumn('a_value', 'text', (c) => c.notNull())
    .addColumn('b_value', 'text', (c) => c.notNull())
    .addColumn('a_changed_at', 'text', (c) => c.notNull())
    .addColumn('b_changed_at', 'text', (c) => c.notNull())
    .addColumn('candidates', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('note', 'text')
    .addColumn('run_id', ref)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_conflicts_status').on('sync_conflicts').columns(['sync', 'status', 'id']).execute();
  await db.schema.createIndex('sync_conflicts_link').on('sync_conflicts').columns(['sync', 'link_id']).execute();
  // at most one open (or resolved, not yet applied) conflict per link and field
  await db.schema
    .createIndex('sync_conflicts_one_open')
    .on('sync_conflicts')
    .columns(['sync', 'link_id', 'field'])
    .unique()
    .where(sql<boolean>`kind = 'field' and status in ('open', 'resolved')`)
    .execute();

  await db.schema
    .createTable('sync_seen')
    .addColumn('sync', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('rid', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_seen_pk', ['sync', 'side', 'rid'])
    .execute();
}

export async function dropSyncTables(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sync_seen', 'sync_conflicts', 'sync_changes', 'sync_links'])
    await db.schema.dropTable(table).ifExists().execute();
}
