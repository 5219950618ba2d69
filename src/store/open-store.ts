import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Kysely, Migrator, sql } from 'kysely';
import { databaseUrlHint, databaseUrlProblem } from '../kit/index.js';
import { type Clock, FlowError } from '../sdk/index.js';
import { createKyselyStateStore } from './kysely-state-store.js';
import { migrationProvider, type StoreDialect } from './migrations.js';
import { openPostgres } from './open-postgres.js';
import { openSqlite } from './open-sqlite.js';
import { describePostgresUrl, isPostgresUrl } from './postgres-url.js';
import type { StoreDatabase } from './schema.js';
import type { StateStore } from './state-store.js';
import { notAStore, postgresUnavailable, sqliteUnavailable, storeNotFound } from './store-unavailable.js';

export const DEFAULT_STORE_PATH = './.syncline/syncline.db';

export interface OpenStoreOptions {
  /** Accepted for symmetry with the other components; every stored time comes from the caller. */
  clock?: Clock;
  /**
   * For commands that only read state: a SQLite store that does not exist (or is an empty file) is
   * refused with STORE_NOT_FOUND instead of being created.
   */
  mustExist?: boolean;
  /** How the location was chosen, for the STORE_NOT_FOUND message (`--db`, `SYNCLINE_DB`, `beside …`). */
  chosenBy?: string;
}

/**
 * Refuses a SQLite file that is not a state store: one with other tables (never migrated into), or
 * one with no tables at all when the store must exist.
 */
async function checkSqliteStore(db: Kysely<StoreDatabase>, path: string, options: OpenStoreOptions): Promise<void> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
  const names = rows.map((r) => r.name);
  if (names.includes('kysely_migration')) return;
  if (names.length > 0) throw notAStore(path);
  if (options.mustExist) throw storeNotFound(path, `${options.chosenBy ?? 'given'}: the file is empty`);
}

async function migrate(db: Kysely<StoreDatabase>, dialect: StoreDialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (attempt < 4 && otherSchemaDropped(error, schema)) continue;
    throw error;
  }
}

/**
 * Before migrating, Kysely lists the tables of every schema of the database; a schema another client
 * drops meanwhile fails that listing with `schema "…" does not exist` (SQLSTATE 3F000). That is not
 * this store's schema nor its problem: the migration is tried again (it is idempotent).
 */
export function otherSchemaDropped(error: unknown, schema: string | undefined): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '3F000' && typeof message === 'string' && (schema === undefined || !message.includes(`"${schema}"`));
}

/** Where the store lives when no location is given: `$SYNCLINE_DB`, else `./.syncline/syncline.db`. */
export function defaultStoreLocation(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['SYNCLINE_DB'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_STORE_PATH;
}

/**
 * Opens the state store and brings its tables up to date. `location`: a `postgres://` or
 * `postgresql://` URL (PostgreSQL; the tables go in the first schema of the search_path, which a URL
 * can set with `?options=-c%20search_path%3Dname`), else a SQLite file path (`:memory:` for tests).
 * Throws FlowError STORE_UNAVAILABLE when the store cannot be opened, reached or migrated.
 */
export async function openStore(location?: string, options: OpenStoreOptions = {}): Promise<StateStore> {
  const where = location ?? defaultStoreLocation();
  if (isPostgresUrl(where)) {
    const problem = databaseUrlProblem(where);
    if (problem !== undefined) {
      throw new FlowError('STORE_UNAVAILABLE', `cannot open the PostgreSQL store: ${problem}`, {
        kind: 'config',
        hint: databaseUrlHint,
      });
    }
    const target = describePostgresUrl(where);
    const { db, schema } = await openPostgres(where, target);
    try {
      await migrate(db, 'postgres', schema);
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw postgresUnavailable(target.hostPort, target.masked, error);
    }
    return createKyselyStateStore(db, 'postgres');
  }
  const memory = where === ':memory:';
  const path = memory ? where : resolve(where);
  if (!memory && options.mustExist && !(existsSync(path) && statSync(path).size > 0)) {
    throw storeNotFound(path, options.chosenBy ?? 'given');
  }
  const db = openSqlite(where);
  try {
    if (!memory) await checkSqliteStore(db, path, options);
    await migrate(db, 'sqlite');
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error instanceof FlowError ? error : sqliteUnavailable(where, error);
  }
  return createKyselyStateStore(db, 'sqlite');
}
