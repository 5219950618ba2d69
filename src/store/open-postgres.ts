import { Kysely, PostgresDialect } from 'kysely';
import { type CustomTypesConfig, Pool, types } from 'pg';
import type { PostgresTarget } from './postgres-url.js';
import type { StoreDatabase } from './schema.js';
import { postgresUnavailable } from './store-unavailable.js';

const INT8 = 20;
const JSON_OID = 114;
const JSONB = 3802;

/**
 * bigint (ids, count(*)) as numbers; json/jsonb left as text, so that `codec.ts` parses JSON the same
 * way for both dialects (a jsonb string value would otherwise be indistinguishable from JSON text).
 */
const storeTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === JSONB || oid === JSON_OID) return (value: string) => value;
    return types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

export interface OpenedPostgres {
  db: Kysely<StoreDatabase>;
  /** The schema the store's tables live in (the first existing one of the search_path). */
  schema: string;
}

/** Connects to PostgreSQL once (so an unreachable server fails here, not at the first query). */
export async function openPostgres(url: string, target: PostgresTarget): Promise<OpenedPostgres> {
  const pool = new Pool({ connectionString: url, types: storeTypes, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  // as in the postgres connector: a session ended by the server while checked out must not crash the process
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const client = await pool.connect();
    try {
      const result = await client.query<{ schema: string | null }>('select current_schema() as schema');
      const schema = result.rows[0]?.schema ?? null;
      if (schema === null) throw new Error('no schema of the search_path exists; create it first');
      return { db: new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) }), schema };
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw postgresUnavailable(target.hostPort, target.masked, error);
  }
}
