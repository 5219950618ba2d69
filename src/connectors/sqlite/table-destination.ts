import type Database from 'better-sqlite3';
import {
  type DataRecord,
  defineDestination,
  FlowError,
  type JsonObject,
  type TableDestinationConfig,
  tableDestinationConfig,
  type Writer,
} from '../../sdk/index.js';
import type { SqliteConnection } from './connection.js';
import { quoteIdent, toSqlValue } from './sql-values.js';
import { constraintColumn, isRecordError, sqliteError } from './sqlite-errors.js';
import { createTableSql, type WriteSql, writeSql } from './write-sql.js';

export { type TableDestinationConfig, tableDestinationConfig };

interface Prepared {
  readonly stmt: Database.Statement;
  readonly order: readonly string[];
  readonly columns: readonly string[];
}

type Plan = { readonly prepared: Prepared; readonly values: unknown[] } | FlowError;

interface Outcome {
  written: number;
  skipped: number;
  rejected: { index: number; error: FlowError }[];
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function tableExists(db: Database.Database, table: string): boolean {
  return db.prepare('SELECT 1 FROM pragma_table_info(?) LIMIT 1').get(table) !== undefined;
}

export const tableDestination = defineDestination<TableDestinationConfig, SqliteConnection>({
  type: 'table',
  description: 'Writes records into a table: insert, update, upsert or ignore-existing, one transaction per batch.',
  config: tableDestinationConfig,
  async open({ config, connection }) {
    const { db } = connection;
    const where = `sqlite table ${quoteIdent(config.table)}`;
    const key = config.key ?? [];
    const only = config.columns ? new Set(config.columns) : undefined;
    let exists = false;
    try {
      exists = tableExists(db, config.table);
    } catch (error) {
      throw sqliteError(error, where);
    }
    if (!exists && !config.createTable) {
      throw new FlowError('SQL_ERROR', `table ${quoteIdent(config.table)} does not exist in ${connection.file}`, {
        where,
        hint: 'Create the table, correct its name, or set createTable: true.',
      });
    }
    const cache = new Map<string, Prepared>();
    const prepare = (columns: readonly string[]): Prepared => {
      const id = columns.join('\u0000');
      let p = cache.get(id);
      if (p === undefined) {
        if (cache.size >= 256) cache.clear();
        const sql: WriteSql = writeSql(config.operation, config.table, columns, key);
        p = { stmt: db.prepare(sql.sql), order: sql.order, columns: [...columns] };
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
        let missing: string | undefined;
        for (let k = 0; k < key.length; k++) {
          const v = data[key[k] as string];
          if (v === undefined || v === null) {
            missing = key[k];
            break;
          }
        }
        if (missing !== undefined) {
          plans.push(
            new FlowError('RECORD_NO_KEY', `record ${record.meta.id} has no value for key column "${missing}"`, {
              where: `${where} record ${record.meta.id}`,
              field: missing,
            }),
          );
          continue;
        }
        const prepared = last && sameColumns(last.columns, columns) ? last : prepare(columns);
        last = prepared;
        const order = prepared.order;
        const values = new Array<unknown>(order.length);
        for (let i = 0; i < order.length; i++) {
          const v = data[order[i] as string];
          values[i] = typeof v === 'string' || typeof v === 'number' ? v : toSqlValue(v);
        }
        plans.push({ prepared, values });
      }
      return plans;
    };

    const runOne = (p: { prepared: Prepared; values: unknown[] }, index: number, out: Outcome, id: string) => {
      const changes = p.prepared.stmt.run(p.values).changes;
      if (changes > 0) out.written++;
      else if (config.operation === 'update') {
        out.rejected.push({
          index,
          error: new FlowError('RECORD_NOT_FOUND', `no row of ${config.table} has the key of record ${id}`, {
            where: `${where} record ${id}`,
          }),
        });
      } else out.skipped++;
    };

    const fast = db.transaction((plans: Plan[], records: readonly DataRecord[]): Outcome => {
      const out: Outcome = { written: 0, skipped: 0, rejected: [] };
      for (let i = 0; i < plans.length; i++) {
        const p = plans[i] as Plan;
        if (p instanceof FlowError) out.rejected.push({ index: i, error: p });
        else runOne(p, i, out, (records[i] as DataRecord).meta.id);
      }
      return out;
    });

    const savepoint = db.prepare('SAVEPOINT syncline_record');
    const release = db.prepare('RELEASE syncline_record');
    const rollbackTo = db.prepare('ROLLBACK TO syncline_record');
    const slow = db.transaction((plans: Plan[], records: readonly DataRecord[]): Outcome => {
      const out: Outcome = { written: 0, skipped: 0, rejected: [] };
      for (let i = 0; i < plans.length; i++) {
        const p = plans[i] as Plan;
        if (p instanceof FlowError) {
          out.rejected.push({ index: i, error: p });
          continue;
        }
        const id = (records[i] as DataRecord).meta.id;
        savepoint.run();
        try {
          runOne(p, i, out, id);
          release.run();
        } catch (error) {
          rollbackTo.run();
          release.run();
          if (!isRecordError(error)) throw error;
          const message = error instanceof Error ? error.message : String(error);
          const field = constraintColumn(message);
          out.rejected.push({
            index: i,
            error: new FlowError('RECORD_CONSTRAINT', `record ${id}: ${message}`, {
              where: `${where} record ${id}`,
              cause: error,
              ...(field ? { field } : {}),
            }),
          });
        }
      }
      return out;
    });

    const create = (records: readonly DataRecord[]) => {
      const rows: JsonObject[] = records.map((r) => r.data);
      const seen = new Set<string>(config.columns ?? []);
      if (!only) for (const r of rows) for (const c of Object.keys(r)) seen.add(c);
      for (const k of key) seen.add(k);
      db.exec(createTableSql(config.table, [...seen], key, rows));
      exists = true;
    };

    const writer: Writer = {
      async write(records) {
        if (records.length === 0) return { rejected: [], written: 0, skipped: 0 };
        let outcome: Outcome;
        try {
          if (!exists) create(records);
          const plans = plan(records);
          try {
            outcome = fast.immediate(plans, records);
          } catch (error) {
            if (!isRecordError(error)) throw error;
            outcome = slow.immediate(plans, records);
          }
        } catch (error) {
          throw sqliteError(error, where);
        }
        return outcome;
      },
      async close() {
        cache.clear();
      },
    };
    return writer;
  },
});
