import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import type { StoreDatabase } from './schema.js';
import { sqliteUnavailable } from './store-unavailable.js';

/**
 * Creates a folder and its missing parents one by one, readable by their owner only (0700: the store
 * holds error payloads with personal data). Node 20's `mkdirSync(path, { recursive: true })` spins
 * forever on some paths that cannot be created (e.g. under /proc), so it is not used.
 */
function ensureFolder(folder: string): void {
  if (existsSync(folder)) return;
  const parent = dirname(folder);
  if (parent !== folder) ensureFolder(parent);
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** SQLite's files of the store: the database, and its write-ahead log and shared-memory index. */
const storeFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`];

/**
 * The store file, created empty with mode 0600 before SQLite opens it (SQLite gives its -wal and -shm
 * files the database's mode); an older store's files are narrowed to 0600 too.
 */
function ownerOnly(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'wx', 0o600));
  for (const file of storeFiles(path)) {
    const info = existsSync(file) ? statSync(file) : undefined;
    if (info?.isFile() && (info.mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
}

/** Statements kept at most; queries with varying SQL (lists of ids, many error rows) make new ones. */
const MAX_STATEMENTS = 100;

/**
 * The database as Kysely sees it, keeping prepared statements by SQL text: every page commit runs
 * the same few statements, which SQLite then compiles once instead of once a page. Kysely runs one
 * query at a time on its single connection, so a statement is never shared by two running queries.
 */
function reusingStatements(sqlite: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        if (statements.size >= MAX_STATEMENTS) statements.clear();
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Opens (creating folder and file if needed, 0700 and 0600) the SQLite store: WAL, synchronous NORMAL (a commit
 * survives a process crash; only an OS crash may lose the last ones), a busy timeout for the other
 * processes sharing the file, and foreign keys on.
 */
export function openSqlite(location: string): Kysely<StoreDatabase> {
  const memory = location === ':memory:';
  const path = memory ? location : resolve(location);
  let sqlite: Database.Database | undefined;
  try {
    if (!memory) {
      const folder = dirname(path);
      ensureFolder(folder);
      accessSync(folder, constants.W_OK);
      ownerOnly(path);
    }
    sqlite = new Database(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    if (!memory) accessSync(path, constants.W_OK);
  } catch (error) {
    sqlite?.close();
    throw sqliteUnavailable(path, error);
  }
  return new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) });
}
