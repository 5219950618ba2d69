/**
 * The two sides of the sync benchmark: `bench_sync_crm` on PostgreSQL (side a) and `bench_sync_erp` on
 * MySQL/MariaDB (side b), seeded with `pairs` customers: the first half on both sides (the same email),
 * the next quarter only on the CRM, the last quarter only on the ERP. Each side has an index on its cursor.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

export interface SyncSides {
  readonly pg: pg.Client;
  readonly my: mysql.Connection;
  close(): Promise<void>;
}

export async function syncSides(pgUrl: string, mysqlUrl: string): Promise<SyncSides> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  const my = await mysql.createConnection({ uri: mysqlUrl, multipleStatements: true });
  await my.query(`SET time_zone = '+00:00'`);
  return {
    pg: client,
    my,
    async close() {
      await client.end();
      await my.end();
    },
  };
}

const cities = `ELT(1 + seq % 5, 'Berlin', 'Lyon', 'Leeds', 'Porto', 'Turin')`;

/**
 * Creates and fills both tables; returns the seconds it took. Each seeded row has its own change time
 * (one second apart, in 2025), as rows edited over time have: a side is re-read 5 s below its
 * watermark (the default overlap), so one shared seed time would make every run read every row again.
 */
export async function seedSides(s: SyncSides, pairs: number): Promise<number> {
  const t0 = performance.now();
  const half = Math.floor(pairs / 2);
  const each = half + Math.floor(pairs / 4);
  await s.pg.query(`DROP TABLE IF EXISTS bench_sync_crm;
    CREATE TABLE bench_sync_crm (id serial PRIMARY KEY, email text, name text, city text, updated_at timestamptz(3) NOT NULL);
    INSERT INTO bench_sync_crm (id, email, name, city, updated_at)
      SELECT i, CASE WHEN i <= ${half} THEN 'user' || i || '@example.com' ELSE 'crm' || i || '@example.com' END,
        'User ' || i, (ARRAY['Berlin', 'Lyon', 'Leeds', 'Porto', 'Turin'])[1 + i % 5],
        '2025-01-01T00:00:00Z'::timestamptz + i * interval '1 second'
      FROM generate_series(1, ${each}) AS i;
    SELECT setval('bench_sync_crm_id_seq', ${each});
    CREATE INDEX bench_sync_crm_updated ON bench_sync_crm (updated_at);
    ANALYZE bench_sync_crm;`);
  await s.my.query(`DROP TABLE IF EXISTS bench_sync_erp;
    CREATE TABLE bench_sync_erp (client_no int AUTO_INCREMENT PRIMARY KEY, email_address varchar(200), full_name varchar(200),
      city varchar(50), modified datetime(3) NOT NULL, KEY bench_sync_erp_modified (modified)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
    INSERT INTO bench_sync_erp (client_no, email_address, full_name, city, modified)
      SELECT seq, IF(seq <= ${half}, CONCAT('user', seq, '@example.com'), CONCAT('erp', seq, '@example.com')),
        CONCAT('User ', seq), ${cities}, TIMESTAMP '2025-01-01 00:00:00' + INTERVAL seq SECOND
      FROM seq_1_to_${each};
    ANALYZE TABLE bench_sync_erp;`);
  return (performance.now() - t0) / 1000;
}

/** Both sides hold `rows` rows, each customer once (by email, trimmed and lower-cased). */
export async function checkSides(s: SyncSides, pairs: number, rows: number): Promise<void> {
  const a = await s.pg.query(
    'SELECT count(*)::int AS n, count(DISTINCT lower(trim(email)))::int AS d FROM bench_sync_crm',
  );
  const [b] = await s.my.query(
    'SELECT count(*) AS n, count(DISTINCT lower(trim(email_address))) AS d FROM bench_sync_erp',
  );
  const ra = a.rows[0] as { n: number; d: number };
  const rb = (b as { n: number; d: number }[])[0] as { n: number; d: number };
  if (ra.n !== rows || ra.d !== pairs || Number(rb.n) !== rows || Number(rb.d) !== pairs)
    throw new Error(
      `after the sync: CRM ${ra.n} rows (${ra.d} customers), ERP ${rb.n} rows (${rb.d} customers); expected ${rows} and ${pairs}`,
    );
}

/** 1% of each side's records changed (a name on the CRM, a city on the ERP); returns how many the sync must write. */
export async function changeOnePercent(s: SyncSides): Promise<number> {
  const a = await s.pg.query(`UPDATE bench_sync_crm SET name = name || ' v2', updated_at = now() WHERE id % 100 = 0`);
  const [b] = await s.my.query(
    `UPDATE bench_sync_erp SET city = CONCAT(city, ' v2'), modified = CURRENT_TIMESTAMP(3) WHERE client_no % 100 = 0`,
  );
  return (a.rowCount ?? 0) + (b as { affectedRows: number }).affectedRows;
}
