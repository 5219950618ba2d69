import { generatesKey } from '../../kit/index.js';
import type { DataRecord, Json } from '../../sdk/index.js';
import type { PostgresConnection } from './connection.js';
import type { TableInfo } from './table-info.js';

/**
 * Inserts by a key whose records leave it to the database: when the key is one column with a default
 * the insert may be given (a serial, an identity `BY DEFAULT`, `gen_random_uuid()`), its values are
 * taken ahead in one `SELECT <default> FROM generate_series(1, n)` and put into those records, so the
 * batch keeps the COPY path and each record knows its id. (A sequence value taken by a batch that then
 * fails is skipped, as with any insert.) Otherwise the records are returned as they are, and the writer
 * reads each generated key back with `INSERT … RETURNING`.
 */
export async function takeGeneratedKeys(
  connection: PostgresConnection,
  info: TableInfo,
  key: readonly string[],
  records: readonly DataRecord[],
  where: string,
): Promise<readonly DataRecord[]> {
  const [column] = key;
  const expression = key.length === 1 && column !== undefined ? info.columns.get(column)?.generated : undefined;
  if (expression === undefined || column === undefined) return records;
  const missing: number[] = [];
  for (const [i, r] of records.entries()) if (generatesKey(r.data, key)) missing.push(i);
  if (missing.length === 0) return records;
  const taken = await connection.query(
    `SELECT ${expression} FROM generate_series(1, $1::integer)`,
    [missing.length],
    `${where} (new keys of ${column})`,
  );
  const out = [...records];
  for (const [n, i] of missing.entries()) {
    const record = records[i] as DataRecord;
    const value = (taken.rows[n] as unknown[] | undefined)?.[0];
    if (value === undefined || value === null) continue;
    const v: Json = typeof value === 'number' || typeof value === 'string' ? value : String(value);
    out[i] = { ...record, data: { ...record.data, [column]: v } };
  }
  return out;
}
