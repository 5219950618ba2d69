import type Database from 'better-sqlite3';
import {
  alreadyWritten,
  createdColumns,
  createTableStatement,
  generatesKey,
  keyId,
  markerId,
  markerRejected,
  missingKeyError,
  pageMarkers,
  rowNotFound,
  sqlErrors,
  type TableDestinationConfig,
  tableDestinationConfig,
  tableKeyedWrites,
  type WriteOutcome,
} from '../../kit/index.js';
import { type DataRecord, defineDestination, FlowError, type JsonObject, type Writer } from '../../sdk/index.js';
import type { SqliteConnection } from './connection.js';
import { quoteIdent, toSqlValue } from './sql-values.js';
import { constraintColumn, isRecordError, sqliteError } from './sqlite-errors.js';
import { validateTable } from './validate-table.js';
import { createTableDialect, rowsPerInsert, type WriteSql, writeSql } from './write-sql.js';

export { type TableDestinationConfig, tableDestinationConfig };

interface Prepared {
  readonly stmt: Database.Statement;
  readonly order: readonly string[];
  readonly columns: readonly string[];
  /** An insert that reads back the key the database generated (`RETURNING key`): one row at a time. */
  readonly returning: boolean;
  /** The same write for `rows` records at once (inserts only; undefined for update, delete or one row). */
  readonly many: { readonly stmt: Database.Statement; readonly rows: number } | undefined;
}

/** How the record at the same index is written: the statement for its columns, or why it cannot be. */
type Plan = Prepared | FlowError;

type Outcome = WriteOutcome;

/** A batch's page marker, committed in its transaction (exactly-once). */
interface Mark {
  readonly flow: string;
  readonly id: string;
  readonly page: string;
  readonly run: string;
  readonly at: number;
}

/** The batch's marker was there: committed before a crash, with the records it refused then. */
interface Found {
  readonly found: { rejected: string | null };
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes a record's values, in the statement's parameter order, into `values` from index `at`. */
function bindRow(order: readonly string[], data: JsonObject, values: unknown[], at: number): void {
  for (let i = 0; i < order.length; i++) {
    const v = data[order[i] as string];
    values[at + i] = typeof v === 'string' || typeof v === 'number' ? v : toSqlValue(v);
  }
}

function tableExists(db: Database.Database, table: string): boolean {
  return db.prepare('SELECT 1 FROM pragma_table_info(?) LIMIT 1').get(table) !== undefined;
}

export const tableDestination = defineDestination<TableDestinationConfig, SqliteConnection>({
  type: 'table',
  description:
    'Writes records into a table: insert, update, upsert, ignore-existing or delete, one transaction per batch.',
  config: tableDestinationConfig,
  validate: validateTable,
  keyedWrites: tableKeyedWrites(),
  async open({ config, connection }) {
    const { db } = connection;
    const where = `sqlite table ${quoteIdent(config.table)}`;
    const key = config.key ?? [];
    const operation = config.operation;
    /** Inserts by a key report each row's key as its id. */
    const withIds = operation === 'insert' && key.length > 0;
    // a delete binds the key only, whatever else the record carries
    const only =
      operation === 'delete' ? new Set(key) : config.columns ? new Set([...config.columns, ...key]) : undefined;
    let exists = false;
    try {
      exists = tableExists(db, config.table);
    } catch (error) {
      throw sqliteError(error, where);
    }
    if (!exists && !config.createTable) {
      throw sqlErrors.fail('SQL_ERROR', `table ${quoteIdent(config.table)} does not exist in ${connection.file}`, {
        where,
        hint: 'Create the table, correct its name, or set createTable: true.',
      });
    }
    const markers = pageMarkers(config);
    let marks: { find: Database.Statement; insert: Database.Statement } | undefined;
    /** The marker table, created (and pruned of old markers) at the first batch that has a key. */
    const openMarks = (flow: string, now: number) => {
      if (markers === undefined || marks !== undefined) return;
      const table = quoteIdent(markers.table);
      try {
        db.exec(
          `CREATE TABLE IF NOT EXISTS ${table} (flow TEXT NOT NULL, marker TEXT NOT NULL, page TEXT NOT NULL, run_id TEXT NOT NULL, records INTEGER NOT NULL, rejected TEXT, committed_at INTEGER NOT NULL, PRIMARY KEY (flow, marker))`,
        );
        db.prepare(`DELETE FROM ${table} WHERE flow = ? AND committed_at < ?`).run(flow, now - markers.keepMs);
        marks = {
          find: db.prepare(`SELECT rejected FROM ${table} WHERE flow = ? AND marker = ?`),
          insert: db.prepare(
            `INSERT INTO ${table} (flow, marker, page, run_id, records, rejected, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          ),
        };
      } catch (error) {
        throw sqliteError(error, `sqlite table ${table} (page markers)`);
      }
    };
    /** Inside the batch's transaction: the marker found (skip the batch), else undefined. */
    const findMark = (mark: Mark | undefined): Found | undefined => {
      if (mark === undefined || marks === undefined) return undefined;
      const row = marks.find.get(mark.flow, mark.id) as { rejected: string | null } | undefined;
      return row === undefined ? undefined : { found: { rejected: row.rejected } };
    };
    const putMark = (mark: Mark | undefined, records: number, out: Outcome) => {
      if (mark === undefined || marks === undefined) return;
      marks.insert.run(mark.flow, mark.id, mark.page, mark.run, records, markerRejected(out.rejected), mark.at);
    };

    const cache = new Map<string, Prepared>();
    const prepare = (columns: readonly string[], returning: boolean): Prepared => {
      const id = `${columns.join('\u0000')}${returning ? '\u0001' : ''}`;
      let p = cache.get(id);
      if (p === undefined) {
        if (cache.size >= 256) cache.clear();
        const sql: WriteSql = writeSql(operation, config.table, columns, key, 1, returning);
        const rows = operation === 'update' || operation === 'delete' || returning ? 1 : rowsPerInsert(columns.length);
        const many =
          rows > 1 ? { stmt: db.prepare(writeSql(operation, config.table, columns, key, rows).sql), rows } : undefined;
        p = { stmt: db.prepare(sql.sql), order: sql.order, columns: [...columns], returning, many };
        cache.set(id, p);
      }
      return p;
    };

    const plan = (records: readonly DataRecord[]): Plan[] => {
      const plans: Plan[] = [];
      let last: Prepared | undefined;
      for (const record of records) {
        const data = record.data;
        let columns = Object.keys(data);
        if (only) columns = columns.filter((c) => only.has(c));
        // an insert may leave its key to the database (it is read back); the others need it
        const returning = withIds && generatesKey(data, key);
        const noKey = operation === 'insert' ? undefined : missingKeyError(data, key, record.meta.id, where);
        if (noKey !== undefined) {
          plans.push(noKey);
          continue;
        }
        last =
          last && last.returning === returning && sameColumns(last.columns, columns)
            ? last
            : prepare(columns, returning);
        plans.push(last);
      }
      return plans;
    };

    const runOne = (prepared: Prepared, record: DataRecord, index: number, out: Outcome) => {
      const id = record.meta.id;
      const values = new Array<unknown>(prepared.order.length);
      bindRow(prepared.order, record.data, values, 0);
      if (prepared.returning) {
        const row = prepared.stmt.get(values) as JsonObject;
        (out.ids as (string | undefined)[])[index] = keyId(row, key);
        out.written++;
        return;
      }
      const changes = prepared.stmt.run(values).changes;
      if (out.ids) out.ids[index] = keyId(record.data, key);
      if (changes > 0) out.written++;
      else if (operation === 'update') {
        out.rejected.push({ index, error: rowNotFound(config.table, id, where) });
      } else out.skipped++;
    };

    /** The records from `start` bound to one multi-row statement, when `rows` of them share its column set. */
    const runMany = (plans: Plan[], records: readonly DataRecord[], start: number, out: Outcome): number => {
      const prepared = plans[start] as Prepared;
      const many = prepared.many;
      if (many === undefined || start + many.rows > plans.length) return 0;
      for (let r = 1; r < many.rows; r++) if (plans[start + r] !== prepared) return 0;
      const width = prepared.order.length;
      const values = new Array<unknown>(many.rows * width);
      for (let r = 0; r < many.rows; r++) {
        const data = (records[start + r] as DataRecord).data;
        bindRow(prepared.order, data, values, r * width);
        if (out.ids) out.ids[start + r] = keyId(data, key);
      }
      const changes = many.stmt.run(values).changes;
      out.written += changes;
      out.skipped += many.rows - changes;
      return many.rows;
    };

    const outcome = (n: number): Outcome => ({
      written: 0,
      skipped: 0,
      rejected: [],
      ...(withIds ? { ids: new Array<string | undefined>(n).fill(undefined) } : {}),
    });

    const fast = db.transaction((plans: Plan[], records: readonly DataRecord[], mark?: Mark): Outcome | Found => {
      const found = findMark(mark);
      if (found) return found;
      const out = outcome(records.length);
      for (let i = 0; i < plans.length; ) {
        const p = plans[i] as Plan;
        if (p instanceof FlowError) {
          out.rejected.push({ index: i, error: p });
          i++;
          continue;
        }
        const done = runMany(plans, records, i, out);
        if (done === 0) runOne(p, records[i] as DataRecord, i, out);
        i += Math.max(1, done);
      }
      putMark(mark, records.length, out);
      return out;
    });

    const savepoint = db.prepare('SAVEPOINT syncline_record');
    const release = db.prepare('RELEASE syncline_record');
    const rollbackTo = db.prepare('ROLLBACK TO syncline_record');
    const slow = db.transaction((plans: Plan[], records: readonly DataRecord[], mark?: Mark): Outcome | Found => {
      const found = findMark(mark);
      if (found) return found;
      const out = outcome(records.length);
      for (let i = 0; i < plans.length; i++) {
        const p = plans[i] as Plan;
        if (p instanceof FlowError) {
          out.rejected.push({ index: i, error: p });
          continue;
        }
        const record = records[i] as DataRecord;
        const id = record.meta.id;
        savepoint.run();
        try {
          runOne(p, record, i, out);
          release.run();
        } catch (error) {
          rollbackTo.run();
          release.run();
          if (!isRecordError(error)) throw error;
          const message = error instanceof Error ? error.message : String(error);
          const field = constraintColumn(message);
          out.rejected.push({
            index: i,
            error: sqlErrors.fail('RECORD_CONSTRAINT', `record ${id}: ${message}`, {
              where: `${where} record ${id}`,
              cause: error,
              ...(field ? { field } : {}),
            }),
          });
        }
      }
      putMark(mark, records.length, out);
      return out;
    });

    const create = (records: readonly DataRecord[]) => {
      const rows: JsonObject[] = records.map((r) => r.data);
      db.exec(
        createTableStatement(createTableDialect, quoteIdent(config.table), createdColumns(config, rows), key, rows),
      );
      exists = true;
    };

    const writer: Writer = {
      async write(records, ctx, batch) {
        if (records.length === 0) return { rejected: [], written: 0, skipped: 0 };
        if (batch) openMarks(ctx.flow, ctx.clock.now().getTime());
        const mark: Mark | undefined =
          marks && batch
            ? {
                flow: ctx.flow,
                id: markerId(batch, records),
                page: batch.key,
                run: ctx.runId,
                at: ctx.clock.now().getTime(),
              }
            : undefined;
        let outcome: Outcome | Found;
        try {
          if (!exists) create(records);
          const plans = plan(records);
          try {
            outcome = fast.immediate(plans, records, mark);
          } catch (error) {
            if (!isRecordError(error)) throw error;
            outcome = slow.immediate(plans, records, mark);
          }
        } catch (error) {
          throw sqliteError(error, where);
        }
        return 'found' in outcome ? alreadyWritten(records, outcome.found.rejected, where) : outcome;
      },
      async close() {
        cache.clear();
      },
    };
    return writer;
  },
});
