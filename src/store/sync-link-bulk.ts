import { type RawBuilder, sql, type Updateable } from 'kysely';
import { writeTime } from './codec.js';
import { executeCompiledOnce } from './compiled-once.js';
import type { StoreDialect } from './migrations.js';
import type { StoreDb } from './run-queries.js';
import type { SyncLinksTable } from './schema.js';
import { chunks, linkColumns } from './sync-rows.js';
import type { LinkPatch } from './sync-store.js';

type LinkColumn = keyof Updateable<SyncLinksTable>;

/** Columns of sync_links that are not text, and the type a VALUES list's text must be cast to. */
const TYPED: Partial<Record<LinkColumn, 'integer' | 'time'>> = { failures: 'integer', synced_at: 'time' };

/** Rows per statement: (1 + changed columns) parameters each, at most 15 × 500 = 7,500. */
const ROWS = 500;

function typed(value: RawBuilder<unknown>, column: LinkColumn, dialect: StoreDialect): RawBuilder<unknown> {
  const type = TYPED[column];
  if (type === 'integer') return sql`cast(${value} as integer)`;
  if (type === 'time' && dialect === 'postgres') return sql`cast(${value} as timestamptz)`;
  return value;
}

/**
 * A batch's link changes in few statements: the patches that change the same fields go together in
 * one `UPDATE sync_links … FROM (VALUES (id, value, …), …)` per 500 links (both dialects name the
 * VALUES columns column1, column2, …), not one UPDATE per link (a round trip each on PostgreSQL).
 */
export async function updateLinks(
  db: StoreDb,
  dialect: StoreDialect,
  patches: readonly LinkPatch[],
  at: Date,
): Promise<void> {
  const groups = new Map<string, { id: number; set: Updateable<SyncLinksTable> }[]>();
  for (const { id, ...fields } of patches) {
    const set = linkColumns(fields);
    const shape = Object.keys(set).sort().join(',');
    const group = groups.get(shape);
    if (group) group.push({ id, set });
    else groups.set(shape, [{ id, set }]);
  }
  const updatedAt = writeTime(at);
  const time = (value: string) => (dialect === 'postgres' ? sql`cast(${value} as timestamptz)` : sql`${value}`);
  for (const [shape, group] of groups) {
    const columns = shape === '' ? [] : (shape.split(',') as LinkColumn[]);
    for (const part of chunks(group, ROWS)) {
      // the text depends on the columns and the row count only: Kysely builds and compiles it once a process
      const parameters: unknown[] = [updatedAt];
      for (const { id, set } of part) parameters.push(id, ...columns.map((c) => set[c] ?? null));
      await executeCompiledOnce(db, dialect, `links:${shape}:${part.length}`, parameters, () => {
        const rows = part.map(({ id, set }) => sql`(${sql.join([id, ...columns.map((c) => set[c] ?? null)])})`);
        const assignments = columns.map(
          (c, i) => sql`${sql.ref(c)} = ${typed(sql.raw(`v.column${i + 2}`), c, dialect)}`,
        );
        assignments.push(sql`updated_at = ${time(updatedAt)}`);
        return sql`update sync_links set ${sql.join(assignments)} from (values ${sql.join(rows)}) as v
        where sync_links.id = cast(v.column1 as bigint)`.compile(db);
      });
    }
  }
}
