import mysql from 'mysql2/promise';
import pg from 'pg';
import { testServerUrl as mysqlUrl } from '../../src/connectors/mysql/test-helpers.js';
import { testServerUrl as pgUrl } from '../../src/connectors/postgres/test-helpers.js';

/**
 * A sync side's table on a real server, driven by the test as its users would (plain SQL): create,
 * insert, update, soft delete, and a snapshot of every row to compare after a sync run.
 */

export { mysqlUrl, pgUrl };

export type Value = string | number | null;

export interface TableShape {
  readonly table: string;
  readonly key: string;
  readonly cursor: string;
  /** Soft-delete column (boolean on PostgreSQL, tinyint on MySQL). */
  readonly deleted: string;
  /** Column name → SQL kind. */
  readonly columns: Readonly<Record<string, 'text' | 'int'>>;
}

export interface Row {
  readonly id: string;
  readonly values: Readonly<Record<string, Value>>;
  /** The cursor column as epoch milliseconds. */
  readonly at: number;
  readonly deleted: boolean;
}

export interface SideTable {
  readonly shape: TableShape;
  create(): Promise<void>;
  drop(): Promise<void>;
  /** Inserts a row stamped `at`; returns its generated key. */
  insert(values: Record<string, Value>, at: number): Promise<string>;
  update(id: string, values: Record<string, Value>, at: number): Promise<void>;
  softDelete(id: string, at: number): Promise<void>;
  snapshot(): Promise<Map<string, Row>>;
  /** Any SQL the test needs (triggers, counters). */
  exec(sql: string): Promise<unknown[]>;
  close(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function postgresTable(shape: TableShape, url = pgUrl): Promise<SideTable> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET TIME ZONE 'UTC'`);
  const cols = Object.keys(shape.columns);
  const q = (n: string) => `"${n}"`;
  return {
    shape,
    async create() {
      const defs = cols.map((c) => `${q(c)} ${shape.columns[c] === 'int' ? 'integer' : 'text'}`);
      await client.query(`DROP TABLE IF EXISTS ${q(shape.table)}`);
      await client.query(
        `CREATE TABLE ${q(shape.table)} (${q(shape.key)} serial PRIMARY KEY, ${defs.join(', ')}, ${q(shape.cursor)} timestamptz(3) NOT NULL, ${q(shape.deleted)} boolean NOT NULL DEFAULT false)`,
      );
    },
    async drop() {
      await client.query(`DROP TABLE IF EXISTS ${q(shape.table)}`);
    },
    async insert(values, at) {
      const names = Object.keys(values);
      const r = await client.query(
        `INSERT INTO ${q(shape.table)} (${[...names, shape.cursor].map(q).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, $${names.length + 1}) RETURNING ${q(shape.key)} AS id`,
        [...names.map((n) => values[n]), iso(at)],
      );
      return String((r.rows[0] as { id: number }).id);
    },
    async update(id, values, at) {
      const names = Object.keys(values);
      const sets = [...names, shape.cursor].map((n, i) => `${q(n)} = $${i + 1}`);
      await client.query(
        `UPDATE ${q(shape.table)} SET ${sets.join(', ')} WHERE ${q(shape.key)} = $${names.length + 2}`,
        [...names.map((n) => values[n]), iso(at), Number(id)],
      );
    },
    async softDelete(id, at) {
      await client.query(
        `UPDATE ${q(shape.table)} SET ${q(shape.deleted)} = true, ${q(shape.cursor)} = $1 WHERE ${q(shape.key)} = $2`,
        [iso(at), Number(id)],
      );
    },
    async snapshot() {
      const r = await client.query(
        `SELECT ${q(shape.key)} AS __id, ${cols.map(q).join(', ')}, (extract(epoch from ${q(shape.cursor)}) * 1000)::bigint AS __at, ${q(shape.deleted)} AS __deleted FROM ${q(shape.table)}`,
      );
      const out = new Map<string, Row>();
      for (const row of r.rows as Record<string, unknown>[]) {
        const values: Record<string, Value> = {};
        for (const c of cols) values[c] = row[c] as Value;
        out.set(String(row.__id), {
          id: String(row.__id),
          values,
          at: Number(row.__at),
          deleted: row.__deleted === true,
        });
      }
      return out;
    },
    async exec(sql) {
      return (await client.query(sql)).rows as unknown[];
    },
    close: () => client.end(),
  };
}

export async function mysqlTable(shape: TableShape, url = mysqlUrl): Promise<SideTable> {
  const conn = await mysql.createConnection({ uri: url, dateStrings: true, multipleStatements: true });
  await conn.query(`SET time_zone = '+00:00'`);
  const cols = Object.keys(shape.columns);
  const q = (n: string) => `\`${n}\``;
  const dt = (ms: number) => iso(ms).slice(0, 23).replace('T', ' ');
  return {
    shape,
    async create() {
      const defs = cols.map((c) => `${q(c)} ${shape.columns[c] === 'int' ? 'int' : 'varchar(300)'}`);
      await conn.query(`DROP TABLE IF EXISTS ${q(shape.table)}`);
      await conn.query(
        `CREATE TABLE ${q(shape.table)} (${q(shape.key)} int AUTO_INCREMENT PRIMARY KEY, ${defs.join(', ')}, ${q(shape.cursor)} datetime(3) NOT NULL, ${q(shape.deleted)} tinyint(1) NOT NULL DEFAULT 0) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
      );
    },
    async drop() {
      await conn.query(`DROP TABLE IF EXISTS ${q(shape.table)}`);
    },
    async insert(values, at) {
      const names = Object.keys(values);
      const [r] = await conn.query(
        `INSERT INTO ${q(shape.table)} (${[...names, shape.cursor].map(q).join(', ')}) VALUES (${[...names, ''].map(() => '?').join(', ')})`,
        [...names.map((n) => values[n]), dt(at)],
      );
      return String((r as { insertId: number }).insertId);
    },
    async update(id, values, at) {
      const names = Object.keys(values);
      const sets = [...names, shape.cursor].map((n) => `${q(n)} = ?`);
      await conn.query(`UPDATE ${q(shape.table)} SET ${sets.join(', ')} WHERE ${q(shape.key)} = ?`, [
        ...names.map((n) => values[n]),
        dt(at),
        Number(id),
      ]);
    },
    async softDelete(id, at) {
      await conn.query(
        `UPDATE ${q(shape.table)} SET ${q(shape.deleted)} = 1, ${q(shape.cursor)} = ? WHERE ${q(shape.key)} = ?`,
        [dt(at), Number(id)],
      );
    },
    async snapshot() {
      const [rows] = await conn.query(
        `SELECT ${q(shape.key)} AS __id, ${cols.map(q).join(', ')}, ${q(shape.cursor)} AS __at, ${q(shape.deleted)} AS __deleted FROM ${q(shape.table)}`,
      );
      const out = new Map<string, Row>();
      for (const row of rows as Record<string, unknown>[]) {
        const values: Record<string, Value> = {};
        for (const c of cols) values[c] = row[c] as Value;
        const at = Date.parse(`${String(row.__at).replace(' ', 'T')}Z`);
        out.set(String(row.__id), { id: String(row.__id), values, at, deleted: Number(row.__deleted) !== 0 });
      }
      return out;
    },
    async exec(sql) {
      const [rows] = await conn.query(sql);
      return Array.isArray(rows) ? (rows as unknown[]) : [];
    },
    close: () => conn.end(),
  };
}
