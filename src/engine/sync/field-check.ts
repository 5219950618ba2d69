import { closest } from '../../config/closest.js';
import type { SyncDefinition, SyncSideDefinition } from '../../config/definition.js';
import { type DataRecord, FlowError } from '../../sdk/index.js';

/** The fields a side's records must have: the mapped ones (in the side's names), its key, its cursor and soft-delete field. */
function requiredFields(sync: SyncDefinition, side: SyncSideDefinition): { field: string; role: string }[] {
  const wanted = sync.fields.map((f) => ({ field: side.side === 'a' ? f.a : f.b, role: `the sync field ${f.name}` }));
  wanted.push({ field: side.key, role: 'the key' });
  if (side.cursor) wanted.push({ field: side.cursor, role: 'the change cursor' });
  if (side.deleted) wanted.push({ field: side.deleted.field, role: 'the soft-delete field' });
  return wanted;
}

/**
 * Checks the first page of a side before anything is written: a field the sync needs that no record
 * of the page has fails the run (SYNC_FIELD_MISSING), naming the sync, the side, the field and the
 * fields the records do have (the closest first). A field some records lack is theirs to lack (null).
 */
export function checkSideFields(sync: SyncDefinition, side: SyncSideDefinition, records: readonly DataRecord[]): void {
  if (records.length === 0) return;
  const present = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.data)) present.add(k);
  for (const { field, role } of requiredFields(sync, side)) {
    if (present.has(field)) continue;
    const near = closest(field, present);
    const have = [...present].sort();
    throw new FlowError(
      'SYNC_FIELD_MISSING',
      `sync ${sync.name}, side ${side.side} (${side.label}): no record of the first page has "${field}" (${role}); the records have ${have.join(', ') || 'no fields'}`,
      {
        where: side.where,
        field,
        hint: near
          ? `Did you mean "${near}"? Name the field as side ${side.side} calls it.`
          : `Name the field as side ${side.side} calls it (one of: ${have.join(', ')}).`,
      },
    );
  }
}
