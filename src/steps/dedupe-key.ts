import { createHash } from 'node:crypto';
import { type Accessor, compilePath } from '../kit/index.js';
import { canonicalJson, type DataRecord, FlowError, type Json } from '../sdk/index.js';

/** Keys longer than this are stored as their SHA-256 (an index entry stays small on every store). */
export const MAX_KEY_LENGTH = 200;

/** The dedupe key of a record: text, equal for repeats. */
export interface DedupeKey {
  /** The key's definition, for the state namespace: `["order_id"]`, or `*` for the whole record. */
  readonly name: string;
  /** The record's key; throws RECORD_MISSING_FIELD (kind record) when a key field is missing. */
  of(record: DataRecord): string;
}

const bounded = (text: string): string =>
  text.length <= MAX_KEY_LENGTH ? text : `sha256:${createHash('sha256').update(text).digest('base64url')}`;

/**
 * Compiles `key:` (one path, several, or none for the whole record). Values compare as text, as in
 * lookups (`lookupKeyOf`): `49` and `"49"` are the same key; objects and arrays by their content.
 * A missing, null or empty-text key value fails the record rather than making it a repeat of the others.
 */
export function compileDedupeKey(key: string | readonly string[] | undefined, where: string): DedupeKey {
  if (key === undefined) return { name: '*', of: (record) => bounded(canonicalJson(record.data)) };
  const paths = typeof key === 'string' ? [key] : [...key];
  const readers = paths.map((p, i) => {
    const read = compilePath(p);
    if (typeof read === 'string') {
      const at = typeof key === 'string' ? 'key' : `key[${i}]`;
      throw new FlowError('CONFIG_INVALID', `${where}: ${at} "${p}": ${read}`, {
        field: at,
        hint: 'Write a field path such as order_id, customer.email or lines[0].sku.',
      });
    }
    return read;
  });
  const missing = (record: DataRecord, i: number, value: Json | undefined): FlowError => {
    const field = paths[i] as string;
    const what = value === '' ? 'is empty' : value === null ? 'is null' : 'is missing';
    return new FlowError('RECORD_MISSING_FIELD', `dedupe key field ${field} ${what} (key: ${paths.join(', ')})`, {
      where: `${where} record ${record.meta.id}`,
      field,
      hint: `Fill ${field} at the source (or map a value into it before the dedupe step) and retry the error record; a record without its key cannot be told apart from the others.`,
    });
  };
  const part = (record: DataRecord, i: number, read: Accessor): string => {
    const value = read(record.data);
    if (value === undefined || value === null || value === '') throw missing(record, i, value);
    return typeof value === 'object' ? canonicalJson(value) : String(value);
  };
  const name = JSON.stringify(paths);
  const [only] = readers;
  if (readers.length === 1 && only !== undefined) {
    // the common case, without the array: the same text as JSON.stringify([part])
    return { name, of: (record) => bounded(`[${JSON.stringify(part(record, 0, only))}]`) };
  }
  return { name, of: (record) => bounded(JSON.stringify(readers.map((read, i) => part(record, i, read)))) };
}
