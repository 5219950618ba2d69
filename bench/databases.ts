/**
 * The benchmarks' own databases: `syncline_bench_<pid>` on the local PostgreSQL and on the local MariaDB,
 * created at the start and dropped at the end (also on failure and on SIGINT/SIGTERM), so a benchmark never
 * touches the shared `test` database nor leaves tables behind.
 * SYNCLINE_BENCH_PG_SERVER / SYNCLINE_BENCH_MYSQL_SERVER name the servers (no database in the URL).
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

const pgServer = process.env.SYNCLINE_BENCH_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const mysqlServer = process.env.SYNCLINE_BENCH_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306';

export interface BenchDatabases {
  pgUrl: string;
  mysqlUrl: string;
  /** Drops both databases; safe to call more than once. */
  drop(): Promise<void>;
}

async function onPostgres(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${pgServer}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function onMysql(sql: string): Promise<void> {
  const conn = await mysql.createConnection(mysqlServer);
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

export async function createBenchDatabases(opts: { postgres: boolean; mysql: boolean }): Promise<BenchDatabases> {
  const name = `syncline_bench_${process.pid}`;
  if (opts.postgres) await onPostgres(`CREATE DATABASE ${name}`);
  if (opts.mysql) await onMysql(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  let dropping: Promise<void> | undefined;
  return {
    pgUrl: `${pgServer}/${name}`,
    mysqlUrl: `${mysqlServer}/${name}`,
    drop() {
      dropping ??= (async () => {
        if (opts.postgres) await onPostgres(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        if (opts.mysql) await onMysql(`DROP DATABASE IF EXISTS ${name}`);
      })();
      return dropping;
    },
  };
}

/**
 * The URLs a database benchmark script uses: the ones `npm run bench` handed it (SYNCLINE_BENCH_PG_URL,
 * SYNCLINE_BENCH_MYSQL_URL), or, run on its own, databases of its own that `done()` drops. The URLs are put
 * into the environment, so the processes the script starts use the same databases.
 */
export async function benchDatabaseUrls(need: {
  postgres: boolean;
  mysql: boolean;
}): Promise<{ pgUrl: string; mysqlUrl: string; done(): Promise<void> }> {
  const missing = {
    postgres: need.postgres && !process.env.SYNCLINE_BENCH_PG_URL,
    mysql: need.mysql && !process.env.SYNCLINE_BENCH_MYSQL_URL,
  };
  let done = async () => {};
  if (missing.postgres || missing.mysql) {
    const own = await createBenchDatabases(missing);
    if (missing.postgres) process.env.SYNCLINE_BENCH_PG_URL = own.pgUrl;
    if (missing.mysql) process.env.SYNCLINE_BENCH_MYSQL_URL = own.mysqlUrl;
    const stop = () => void own.drop().finally(() => process.exit(130));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    done = () => own.drop();
  }
  return {
    pgUrl: process.env.SYNCLINE_BENCH_PG_URL ?? '',
    mysqlUrl: process.env.SYNCLINE_BENCH_MYSQL_URL ?? '',
    done,
  };
}
