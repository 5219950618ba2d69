import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { type Context, FlowError } from '../../sdk/index.js';
import { sqliteError } from './sqlite-errors.js';

export const sqliteConnectionConfig = z
  .object({
    /** Database file, relative to the flow file's folder; `:memory:` for a private in-memory database. */
    path: z.string().min(1),
    readonly: z.boolean().default(false),
    /** Extra PRAGMAs applied after the defaults (journal_mode=WAL, synchronous=NORMAL, busy_timeout=5000). */
    pragmas: z
      .record(
        z.string().regex(/^[A-Za-z_]+$/, 'a pragma name is letters and underscores'),
        z.union([z.number(), z.boolean(), z.string().regex(/^[\w.-]+$/, 'a pragma value is a word or number')]),
      )
      .default({}),
  })
  .strict();

export type SqliteConnectionConfig = z.infer<typeof sqliteConnectionConfig>;

/** An opened `sqlite` connection. */
export interface SqliteConnection {
  readonly db: Database.Database;
  /** Absolute path of the database (or `:memory:`). */
  readonly file: string;
  readonly readonly: boolean;
  /** The busy timeout in ms, for helper connections (the query source's reader). */
  readonly busyTimeout: number;
}

export function openSqliteConnection(config: SqliteConnectionConfig, ctx: Context): SqliteConnection {
  const file = config.path === ':memory:' ? ':memory:' : resolve(ctx.baseDir, config.path);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: config.readonly, fileMustExist: config.readonly });
  } catch (error) {
    throw new FlowError('CONNECTION_FAILED', `cannot open SQLite database ${file}: ${(error as Error).message}`, {
      kind: 'config',
      where: file,
      hint: 'Check that the folder exists and is writable (or that the file exists for readonly: true).',
      cause: error,
    });
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!config.readonly && file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    for (const [name, value] of Object.entries(config.pragmas)) {
      db.pragma(`${name} = ${typeof value === 'boolean' ? (value ? 'ON' : 'OFF') : value}`);
    }
  } catch (error) {
    db.close();
    throw sqliteError(error, `sqlite ${file}`);
  }
  const busyTimeout = Number(db.pragma('busy_timeout', { simple: true }));
  return { db, file, readonly: config.readonly, busyTimeout };
}

export async function checkSqliteConnection(connection: SqliteConnection): Promise<void> {
  try {
    connection.db.prepare('select 1').get();
  } catch (error) {
    throw sqliteError(error, `sqlite ${connection.file}`);
  }
}

export async function closeSqliteConnection(connection: SqliteConnection): Promise<void> {
  if (connection.db.open) connection.db.close();
}
