import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';
import {
  batchStarter,
  createdColumns,
  type MarkerStore,
  markerRejected,
  onceUntilFailed,
  pageMarkers,
  rowData,
  rowNotFound,
  sqlErrors,
  type TableDestinationConfig,
  tableDestinationConfig,
  tableKeyedWrites,
  type WriteOutcome,
} from '../../kit/index.js';
import { type DataRecord, defineDestination, FlowError, type Writer } from '../../sdk/index.js';
import type { MysqlConnection } from './connection.js';
import { errorColumn, isRecordError, mysqlError } from './mysql-errors.js';
import { quoteIdent, sqlLiteral } from './sql-values.js';
import { requireColumn, type TableInfo, tableInfo } from './table-info.js';
import { validateTable } from './validate-table.js';
import {
  chunkRows,
  createTableSql,
  deleteSql,
  insertCounts,
  insertSql,
  MAX_STATEMENT_BYTES,
  updateSql,
} from './write-sql.js';

export { type TableDestinationConfig, tableDestinationConfig };

type Outcome = WriteOutcome;

/** One record ready to write: its columns and its row literal `(…)`. */
interface Row {
  readonly index: number;
  readonly id: string;
  readonly columns: readonly string[];
  readonly columnsId: string;
  readonly literal: string;
  readonly values: ReadonlyMap<string, string>;
}

export const tableDestination = defineDestination<TableDestinationConfig, MysqlConnection>({
  type: 'table',
  description:
    'Writes records into a table: insert, update, upsert, ignore-existing or delete, one transaction per batch.',
  config: tableDestinationConfig,
  validate: validateTable,
  keyedWrites: tableKeyedWrites(),
  async open({ config, connection }) {
    const where = `${connection.target} table ${quoteIdent(config.table)}`;
    const key = config.key ?? [];
    const operation = config.operation;
    /**
     * Inserts by a key report each row's key as its id: the record's, or the AUTO_INCREMENT value the
     * server gave: from insertId on, for a multi-row INSERT where the server makes its ids consecutive
     * (`server.consecutiveIds`), else from one INSERT per such row.
     */
    const withIds = operation === 'insert' && key.length > 0;
    // a delete sends the key only, whatever else the record carries
    const only =
      operation === 'delete' ? new Set(key) : config.columns ? new Set([...config.columns, ...key]) : undefined;
    let info = await tableInfo(connection, config.table, { required: !config.createTable });
    const checkKey = (i: TableInfo) => {
      for (const k of key) requireColumn(i, k, 'key', where);
    };
    if (info) checkKey(info);
    const markers = pageMarkers(config);
    const markerTable = markers ? quoteIdent(markers.table) : undefined;
    /** The marker table, created (and pruned of old markers) at the first batch that has a key: once per writer. */
    const openMarkers = onceUntilFailed(async (table: string, keepMs: number, flow: string, now: number) => {
      const at = `${connection.target} table ${table} (page markers)`;
      await connection.query(
        `CREATE TABLE IF NOT EXISTS ${table} (flow VARCHAR(255) NOT NULL, marker CHAR(64) NOT NULL, page TEXT NOT NULL, run_id VARCHAR(64) NOT NULL, records INT NOT NULL, rejected MEDIUMTEXT, committed_at BIGINT NOT NULL, PRIMARY KEY (flow, marker)) ENGINE=InnoDB`,
        at,
      );
      await connection.query(
        `DELETE FROM ${table} WHERE flow = ${sqlLiteral(flow)} AND committed_at < ${now - keepMs}`,
        at,
      );
    });
    const markerStore: MarkerStore = {
      open: openMarkers,
      find: async (table, flow, marker) =>
        (
          await connection.query<{ rejected: string | null }[]>(
            `SELECT rejected FROM ${table} WHERE flow = ${sqlLiteral(flow)} AND marker = ${sqlLiteral(marker)}`,
            where,
          )
        )[0],
      literal: (value) => sqlLiteral(value),
    };
    const budget = Math.max(16 << 10, Math.min(MAX_STATEMENT_BYTES, connection.server.maxAllowedPacket - 4096));

    const reject = (out: Outcome, row: { index: number; id: string }, error: unknown) => {
      const e = mysqlError(error, `${where} record ${row.id}`);
      const field = e.field ?? errorColumn(e.message);
      out.rejected.push({
        index: row.index,
        error: new FlowError(e.code, `record ${row.id}: ${e.message}`, {
          kind: e.kind,
          ...(e.hint === undefined ? {} : { hint: e.hint }),
          where: `${where} record ${row.id}`,
          cause: error,
          ...(field === undefined ? {} : { field }),
        }),
      });
    };

    const keyed = { operation, key, withIds, where };
    const plan = (records: readonly DataRecord[], out: Outcome, kinds: TableInfo['columns']): Row[] => {
      const rows: Row[] = [];
      for (let index = 0; index < records.length; index++) {
        const record = records[index] as DataRecord;
        const id = record.meta.id;
        const data = rowData(record, index, out, keyed);
        if (data === undefined) continue;
        let columns = Object.keys(data);
        if (only) columns = columns.filter((c) => only.has(c));
        const values = new Map<string, string>();
        for (const c of columns) values.set(c, sqlLiteral(data[c], kinds.get(c)));
        const literal = `(${[...values.values()].join(', ')})`;
        if (Buffer.byteLength(literal) > budget) {
          out.rejected.push({
            index,
            error: sqlErrors.fail('RECORD_CONSTRAINT', `record ${id} is larger than the server's max_allowed_packet`, {
              where: `${where} record ${id}`,
              hint: 'Shrink the record, or raise max_allowed_packet on the server.',
            }),
          });
          continue;
        }
        rows.push({ index, id, columns, columnsId: columns.join('\u0000'), literal, values });
      }
      return rows;
    };

    /** Runs rows[lo, hi) as one statement; on a bad row splits in halves until each bad row stands alone. */
    const insertRange = async (conn: PoolConnection, rows: readonly Row[], out: Outcome): Promise<void> => {
      if (operation === 'update' || operation === 'delete') return;
      const first = rows[0] as Row;
      const sql = insertSql(operation, config.table, first.columns, key, connection.server);
      try {
        const [result] = await conn.query<ResultSetHeader>(sql.head + rows.map((r) => r.literal).join(',') + sql.tail);
        if (generated(first) && out.ids && result.insertId) {
          for (const [j, row] of rows.entries()) out.ids[row.index] = String(result.insertId + j);
        }
        const counts = insertCounts(operation, rows.length, result.affectedRows, result.info ?? '');
        out.written += counts.written;
        out.skipped += counts.skipped;
      } catch (error) {
        if (!isRecordError(error)) throw error;
        if (rows.length === 1) return reject(out, first, error);
        const half = Math.ceil(rows.length / 2);
        await insertRange(conn, rows.slice(0, half), out);
        await insertRange(conn, rows.slice(half), out);
      }
    };

    const updateRow = async (conn: PoolConnection, row: Row, out: Outcome): Promise<void> => {
      const sql = updateSql(config.table, row.columns, key, (c) => row.values.get(c) as string);
      try {
        const [result] = await conn.query<ResultSetHeader>(sql);
        const matched = Number(/Rows matched:\s*(\d+)/.exec(result.info ?? '')?.[1] ?? result.affectedRows);
        if (matched === 0) {
          out.rejected.push({ index: row.index, error: rowNotFound(config.table, row.id, where) });
        } else if (result.affectedRows > 0) out.written++;
        else out.skipped++;
      } catch (error) {
        if (!isRecordError(error)) throw error;
        reject(out, row, error);
      }
    };

    const deleteRow = async (conn: PoolConnection, row: Row, out: Outcome): Promise<void> => {
      try {
        const [result] = await conn.query<ResultSetHeader>(
          deleteSql(config.table, key, (c) => row.values.get(c) as string),
        );
        if (result.affectedRows > 0) out.written++;
        else out.skipped++;
      } catch (error) {
        if (!isRecordError(error)) throw error;
        reject(out, row, error);
      }
    };

    /** An insert row whose key the server gives: written alone, its id read from insertId. */
    const generated = (row: Row) => withIds && !key.every((k) => row.values.has(k));

    const create = async (records: readonly DataRecord[]) => {
      const rows = records.map((r) => r.data);
      await connection.query(createTableSql(config.table, createdColumns(config, rows), key, rows), where);
      info = await tableInfo(connection, config.table);
      if (info) checkKey(info);
    };

    const begin = batchStarter(
      { markers, table: markerTable, where, withIds, prepare: async (records) => (info ? undefined : create(records)) },
      markerStore,
    );

    const writer: Writer = {
      async write(records, ctx, batch) {
        const begun = await begin(records, ctx, batch);
        if ('done' in begun) return begun.done;
        const { out, mark } = begun;
        const rows = plan(records, out, (info as TableInfo).columns);
        const conn = await connection.acquire().catch((error: unknown) => {
          throw mysqlError(error, where);
        });
        try {
          await conn.query('START TRANSACTION');
          if (operation === 'update') {
            for (const row of rows) await updateRow(conn, row, out);
          } else if (operation === 'delete') {
            for (const row of rows) await deleteRow(conn, row, out);
          } else {
            let start = 0;
            while (start < rows.length) {
              let end = start + 1;
              const id = (rows[start] as Row).columnsId;
              while (end < rows.length && (rows[end] as Row).columnsId === id) end++;
              const group = rows.slice(start, end);
              if (generated(group[0] as Row) && !connection.server.consecutiveIds) {
                for (const row of group) await insertRange(conn, [row], out);
                start = end;
                continue;
              }
              const literals = group.map((r) => r.literal);
              const sql = insertSql(operation, config.table, (rows[start] as Row).columns, key, connection.server);
              const room = budget - Buffer.byteLength(sql.head) - Buffer.byteLength(sql.tail);
              for (const [a, b] of chunkRows(literals, group[0]?.columns.length ?? 1, room)) {
                await insertRange(conn, group.slice(a, b), out);
              }
              start = end;
            }
          }
          if (mark) await conn.query(mark(markerRejected(out.rejected)));
          await conn.query('COMMIT');
          connection.release(conn);
        } catch (error) {
          await conn.query('ROLLBACK').catch(() => undefined);
          connection.release(conn, error);
          throw mysqlError(error, where);
        }
        out.rejected.sort((a, b) => a.index - b.index);
        // a refused record has no id, even when it carried its key
        if (out.ids) for (const r of out.rejected) out.ids[r.index] = undefined;
        return out;
      },
      async close() {},
    };
    return writer;
  },
});
