import type { Json, JsonObject } from '../../sdk/index.js';
import { unescapeCopy } from './copy-text.js';
import { textParser, toJson } from './pg-values.js';

/** A column of a result: its name and type OID (pg's `FieldDef`). */
export interface CopyColumn {
  readonly name: string;
  readonly dataTypeID: number;
}

/**
 * Parses the text of `COPY (select) TO STDOUT` into the same values a query with the pool's types
 * gives (`jsonTypes`, then `toJson`): `row` gets the first column's value and the record data of the
 * columns from index `from` on. `text` holds whole lines.
 */
export function copyRowsParser(
  columns: readonly CopyColumn[],
  from: number,
): (text: string, row: (first: Json, data: JsonObject) => void) => void {
  const count = columns.length;
  const names = columns.map((c) => c.name);
  const parsers = columns.map((c) => textParser(c.dataTypeID));
  const value = (raw: string, i: number): Json => {
    if (raw === '\\N') return null;
    const parse = parsers[i];
    const text = unescapeCopy(raw);
    if (parse === undefined) return text;
    const v = parse(text);
    return v === null || typeof v !== 'object' ? (v as Json) : toJson(v);
  };
  return (text, row) => {
    let pos = 0;
    const length = text.length;
    while (pos < length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = length;
      let stop = count === 1 ? end : text.indexOf('\t', pos);
      if (stop < 0 || stop > end) stop = end;
      const first = value(text.slice(pos, stop), 0);
      const data: JsonObject = {};
      if (from === 0) data[names[0] as string] = first;
      let start = stop + 1;
      for (let i = 1; i < count; i++) {
        stop = i === count - 1 ? end : text.indexOf('\t', start);
        if (stop < 0 || stop > end) stop = end;
        if (i >= from) data[names[i] as string] = value(text.slice(start, stop), i);
        start = stop + 1;
      }
      row(first, data);
      pos = end + 1;
    }
  };
}
