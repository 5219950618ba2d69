import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  batchStarter,
  createdColumns,
  createTableStatement,
  type MarkerStore,
  markerRejected,
  onceUntilFailed,
  pageMarkers,
  rowData,
  tableKeyedWrites,
  type WriteOutcome,
} from '../../kit/index.js';
import { type DataRecord, defineDestination, FlowError, type JsonObject, type Writer } from '../../sdk/index.js';
import type { PostgresConnection } from './connection.js';
import { takeGeneratedKeys } from './generated-keys.js';
import { copyErrorPosition, isConnectionBroken, isRecordError, pgError } from './pg-errors.js';
import { qualifiedName, quoteIdent, sqlLiteral } from './sql-text.js';
import { copyRows, type FieldWriter, fieldWriter, insertReturning, insertRows, type StagedRow } from './stage-rows.js';
import { type TableDestinationConfig, tableDestinationConfig } from './table-destination-config.js';
import { requireColumn, type TableInfo, tableInfo } from './table-info.js';
import { validateTable } from './validate-table.js';
import { applySql, changedRows, createTableDialect, ROW, stagingSql } from './write-sql.js';

export { type TableDestinationConfig, tableDestinationConfig };

type Outcome = WriteOutcome;

type Result = pg.QueryResult<Record<string, unknown>>;

/** Cuts rows into runs with one column set and (for upsert/update) no key twice, so each run is one statement. */
function segments(rows: readonly StagedRow[], keyOf: ((row: StagedRow) => string) | undefined): StagedRow[][] {
  const out: StagedRow[][] = [];
  let current: StagedRow[] = [];
  let keys = new Set<string>();
  for (const row of rows) {
    const k = keyOf?.(row);
    const first = current[0];
    if (first !== undefined && (first.columnsId !== row.columnsId || (k !== undefined && keys.has(k)))) {
      out.push(current);
      current = [];
      keys = new Set();
    }
    current.push(row);
    if (k !== undefined) keys.add(k);
  }
  if (current.length > 0) out.push(current);
  return out;
}

export const tableDestination = defineDestination<TableDestinationConfig, PostgresConnection>({
  type: 'table',
  description:
    'Writes records into a table: insert, update, upsert, ignore-existing or delete; each batch staged with COPY and applied in one transaction.',
  config: tableDestinationConfig,
  validate: validateTable,
  keyedWrites: tableKeyedWrites(),
  async open({ config, connection }) {
    const name = qualifiedName(config.table, config.schema);
    const where = `${connection.target} table ${name}`;
    const key = config.key ?? [];
    const operation = config.operation;
    /** Inserts by a key report each row's key as its id (read back with RETURNING when the database gives it). */
    const withIds = operation === 'insert' && key.length > 0;
    // a delete stages the key only, whatever else the record carries
    const only =
      operation === 'delete' ? new Set(key) : config.columns ? new Set([...config.columns, ...key]) : undefined;
    const staging = `pg_temp.${quoteIdent(`syncline_stage_${randomBytes(6).toString('hex')}`)}`;
    const stage = config.mode === 'copy' ? copyRows : insertRows;
    const direct = config.mode === 'copy' && operation === 'insert';
    /** Pooled sessions that hold this writer's staging table (it lives as long as the session). */
    let staged = new WeakSet<pg.PoolClient>();
    let info = await tableInfo(connection, config.table, config.schema, { required: !config.createTable });
    let writers = new Map<string, FieldWriter>();
    const checkKey = (i: TableInfo) => {
      for (const k of key) requireColumn(i, k, 'key', where);
    };
    if (info) checkKey(info);

    const markers = pageMarkers(config);
    const markerTable = markers ? qualifiedName(markers.table, config.schema) : undefined;
    /** The marker table, created (and pruned of old markers) at the first batch that has a key: once per writer. */
    const openMarkers = onceUntilFailed(async (table: string, keepMs: number, flow: string, now: number) => {
      const at = `${connection.target} table ${table} (page markers)`;
      const create = () =>
        connection.query(
          `CREATE TABLE IF NOT EXISTS ${table} (flow text NOT NULL, marker text NOT NULL, page text NOT NULL, run_id text NOT NULL, records integer NOT NULL, rejected text, committed_at bigint NOT NULL, PRIMARY KEY (flow, marker))`,
          [],
          at,
        );
      // another writer (destination, flow) creating it at the same moment fails this one on pg_type: once more sees it
      await create().catch(create);
      await connection.query(`DELETE FROM ${table} WHERE flow = $1 AND committed_at < $2`, [flow, now - keepMs], at);
    });

    const markerStore: MarkerStore = {
      open: openMarkers,
      async find(table, flow, marker) {
        const found = await connection.query(
          `SELECT rejected FROM ${table} WHERE flow = $1 AND marker = $2`,
          [flow, marker],
          where,
        );
        const row = found.rows[0] as unknown[] | undefined;
        return row ? { rejected: (row[0] as string | null) ?? null } : undefined;
      },
      literal: (value) => sqlLiteral(value),
    };

    const reject = (out: Outcome, row: { index: number; id: string }, error: unknown) => {
      const e = pgError(error, `${where} record ${row.id}`);
      out.rejected.push({
        index: row.index,
        error: new FlowError(e.code, `record ${row.id}: ${e.message}`, {
          kind: e.kind,
          ...(e.hint === undefined ? {} : { hint: e.hint }),
          where: `${where} record ${row.id}`,
          cause: error,
          ...(e.field === undefined ? {} : { field: e.field }),
        }),
      });
    };

    /** The column set of the rows being planned, its id and writers: consecutive records mostly share one. */
    let shape: { columns: string[]; id: string; writers: FieldWriter[] } | undefined;
    const sameShape = (data: JsonObject, columns: readonly string[]) => {
      let n = 0;
      for (const c in data) {
        if (only && !only.has(c)) continue;
        if (columns[n] !== c) return false;
        n++;
      }
      return n === columns.length;
    };
    const shapeOf = (data: JsonObject, i: TableInfo) => {
      if (shape !== undefined && sameShape(data, shape.columns)) return shape;
      let columns = Object.keys(data);
      if (only) columns = columns.filter((c) => only.has(c));
      const fieldWriters = columns.map((c) => {
        let w = writers.get(c);
        if (w === undefined) {
          requireColumn(i, c, 'record field', where);
          w = fieldWriter(i, c);
          writers.set(c, w);
        }
        return w;
      });
      shape = { columns, id: columns.join('\u0000'), writers: fieldWriters };
      return shape;
    };

    const keyed = { operation, key, withIds, where };
    const plan = (records: readonly DataRecord[], out: Outcome, i: TableInfo): StagedRow[] => {
      const rows: StagedRow[] = [];
      shape = undefined;
      for (let index = 0; index < records.length; index++) {
        const record = records[index] as DataRecord;
        const id = record.meta.id;
        const data = rowData(record, index, out, keyed);
        if (data === undefined) continue;
        const { columns, id: columnsId, writers: ws } = shapeOf(data, i);
        // PostgreSQL text holds no NUL character: that record fails, named, before the batch is sent
        const nul = columns.find((c) => {
          const v = data[c];
          return typeof v === 'string' && v.includes('\0');
        });
        if (nul !== undefined) {
          out.rejected.push({
            index,
            error: new FlowError(
              'RECORD_BAD_VALUE',
              `record ${id}: field ${nul} holds a NUL character (U+0000), which PostgreSQL text cannot store`,
              {
                where: `${where} record ${id}`,
                field: nul,
                hint: `Remove the character from ${nul} (in the source, or with a map step).`,
              },
            ),
          });
          continue;
        }
        // direct COPY into the target: the fields only; staging: the row number last
        let line = '';
        for (let c = 0; c < columns.length; c++) {
          const v = (ws[c] as FieldWriter)(data[columns[c] as string]);
          line += c === 0 ? (v === null ? '\\N' : v) : v === null ? '\t\\N' : `\t${v}`;
        }
        line = direct ? `${line}\n` : columns.length === 0 ? `${index}\n` : `${line}\t${index}\n`;
        rows.push({ index, id, columns, columnsId, line });
      }
      return rows;
    };

    const keyOf =
      operation === 'upsert' || operation === 'update'
        ? (records: readonly DataRecord[]) => {
            const [only1] = key;
            if (key.length === 1 && only1 !== undefined) {
              // one key column: its text (a string "1" and a number 1 sharing one is only an extra split)
              return (row: StagedRow) => {
                const v = (records[row.index] as DataRecord).data[only1];
                return typeof v === 'string' ? v : JSON.stringify(v);
              };
            }
            return (row: StagedRow) => JSON.stringify(key.map((k) => (records[row.index] as DataRecord).data[k]));
          }
        : undefined;

    const create = async (records: readonly DataRecord[]) => {
      const rows = records.map((r) => r.data);
      const sql = createTableStatement(createTableDialect, name, createdColumns(config, rows), key, rows);
      await connection.query(sql, [], where);
      info = await tableInfo(connection, config.table, config.schema);
      if (info) checkKey(info);
      writers = new Map();
      staged = new WeakSet();
    };

    /** Stages and applies rows inside a savepoint; a bad row is found (COPY line, else halving) and rejected. */
    const attempt = async (
      client: pg.PoolClient,
      i: TableInfo,
      rows: readonly StagedRow[],
      out: Outcome,
      state: { prefix: string; dirty: boolean; commit: boolean },
    ): Promise<void> => {
      if (rows.length === 0) return;
      const commit = state.commit;
      state.commit = false;
      const before = `${state.prefix}${state.dirty ? `TRUNCATE ${staging}; ` : ''}SAVEPOINT syncline_rows`;
      const end = `RELEASE SAVEPOINT syncline_rows${commit ? '; COMMIT' : ''}`;
      const columns = (rows[0] as StagedRow).columns;
      // COPY staging: one round trip, the statements before and after the COPY in its query string
      const returning = withIds && !key.every((k) => columns.includes(k));
      const folded = !returning && (direct || (stage === copyRows && operation !== 'update'));
      if (!folded) await client.query(before);
      state.prefix = '';
      state.dirty = false;
      try {
        if (returning) {
          // keys the database generates: one INSERT … RETURNING a row, the ids kept once the rows are in
          const ids = await insertReturning(client, i.sql, rows, key);
          await client.query(end);
          for (const [n, row] of rows.entries()) if (out.ids) out.ids[row.index] = ids[n];
          out.written += rows.length;
          if (commit) state.commit = true;
          return;
        }
        if (direct) {
          // insert with COPY: straight into the target; a bad row's COPY line number says which record it is.
          out.written += await copyRows(client, i.sql, rows, true, { before, after: end });
          if (commit) state.commit = true;
          return;
        }
        if (folded) {
          const tags: string[] = [];
          const apply = applySql(operation, i, staging, columns, key);
          await copyRows(client, staging, rows, false, { before, after: `${apply}; ${end}`, tags });
          const changed = changedRows(tags);
          state.dirty = true;
          out.written += changed;
          out.skipped += rows.length - changed;
          if (commit) state.commit = true;
          return;
        }
        await stage(client, staging, rows);
        const sql = `${applySql(operation, i, staging, columns, key)}; ${end}`;
        const raw = (await client.query(sql)) as unknown as Result | Result[];
        const results = Array.isArray(raw) ? raw : [raw];
        const changed = results[0]?.rowCount ?? 0;
        state.dirty = true;
        if (operation === 'update') {
          const missing = (results[1]?.rows ?? []).map((r) => Number(r[ROW]));
          for (const index of missing) {
            const id = rows.find((r) => r.index === index)?.id ?? String(index);
            out.rejected.push({
              index,
              error: new FlowError('RECORD_NOT_FOUND', `no row of ${name} has the key of record ${id}`, {
                where: `${where} record ${id}`,
              }),
            });
          }
          out.written += changed;
          out.skipped += rows.length - changed - missing.length;
        } else {
          out.written += changed;
          out.skipped += rows.length - changed;
        }
        if (commit) state.commit = true;
      } catch (error) {
        if (isConnectionBroken(error)) throw error;
        // (a statement before the savepoint failed: the caller rolls back, with this error)
        await client.query('ROLLBACK TO SAVEPOINT syncline_rows; RELEASE SAVEPOINT syncline_rows').catch(() => {
          throw error;
        });
        if (!isRecordError(error)) throw error;
        if (rows.length === 1) return reject(out, rows[0] as StagedRow, error);
        const line = copyErrorPosition(error)?.line;
        if (line !== undefined && line >= 1 && line <= rows.length) {
          reject(out, rows[line - 1] as StagedRow, error);
          return attempt(client, i, [...rows.slice(0, line - 1), ...rows.slice(line)], out, state);
        }
        const half = Math.ceil(rows.length / 2);
        await attempt(client, i, rows.slice(0, half), out, state);
        await attempt(client, i, rows.slice(half), out, state);
      }
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
        const i = info as TableInfo;
        // keys the database gives, taken ahead where it can (one query), keep the COPY path
        const given = withIds ? await takeGeneratedKeys(connection, i, key, records, where) : records;
        const rows = plan(given, out, i);
        if (rows.length > 0) {
          const runs = segments(rows, keyOf?.(records));
          await connection.withClient(async (client) => {
            if (!direct && !staged.has(client)) {
              await client.query(stagingSql(staging, i));
              staged.add(client);
            }
            const state = { prefix: 'BEGIN; ', dirty: false, commit: false };
            try {
              for (let s = 0; s < runs.length; s++) {
                // The last run commits with its apply statement (one round trip less) unless it had to split
                // or the batch's marker commits after it.
                state.commit = mark === undefined && s === runs.length - 1;
                await attempt(client, i, runs[s] as StagedRow[], out, state);
              }
              if (mark !== undefined) {
                await client.query(`${mark(markerRejected(out.rejected))}; COMMIT`);
              } else if (!state.commit) await client.query('COMMIT');
            } catch (error) {
              if (!isConnectionBroken(error)) await client.query('ROLLBACK').catch(() => undefined);
              throw error;
            }
          }, where);
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
