import { FlowError, type JsonObject } from '../../sdk/index.js';
import { type ColumnSpec, type Converter, converterFor } from './typed-columns.js';

/** Turns the fields of one CSV line into a record's data, or says which column is wrong. */
export interface RowBuilder {
  readonly names: readonly string[];
  /** The data, or undefined when a typed value does not convert (then `bad` says which). */
  build(fields: readonly string[]): JsonObject | undefined;
  bad: BadValue;
}

export interface BadValue {
  column: string;
  value: string;
  spec: ColumnSpec;
}

export function rowBuilder(
  names: readonly string[],
  types: Readonly<Record<string, ColumnSpec>>,
  path: string,
  emptyAsNull = true,
): RowBuilder {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      throw new FlowError('CONFIG_INVALID', `column "${n}" appears twice in the header of ${path}`, {
        where: path,
        hint: 'Rename one of them in the file, or set header: false with columnNames: [...] (the header line is then read as data).',
      });
    }
    seen.add(n);
  }
  for (const col of Object.keys(types)) {
    if (!seen.has(col)) {
      throw new FlowError(
        'CONFIG_INVALID',
        `typed column "${col}" is not in the header of ${path} (${names.join(', ')})`,
        {
          where: path,
          field: `columns.${col}`,
          hint: 'Correct the column name under `columns:`; names are case-sensitive.',
        },
      );
    }
  }
  const converters: (Converter | undefined)[] = names.map((n) => {
    const t = types[n];
    return t === undefined ? undefined : converterFor(t);
  });
  const typed = converters.some((c) => c !== undefined);
  const count = names.length;
  const builder: RowBuilder = {
    names,
    bad: { column: '', value: '', spec: { type: 'string', decimal: '.', thousands: '' } },
    build(fields) {
      const data: JsonObject = {};
      if (!typed) {
        for (let i = 0; i < count; i++) {
          const text = fields[i] as string;
          data[names[i] as string] = emptyAsNull && text === '' ? null : text;
        }
        return data;
      }
      for (let i = 0; i < count; i++) {
        const text = fields[i] as string;
        const convert = converters[i];
        if (convert === undefined) {
          data[names[i] as string] = emptyAsNull && text === '' ? null : text;
          continue;
        }
        const value = convert(text);
        if (value === undefined) {
          const column = names[i] as string;
          builder.bad = { column, value: text, spec: types[column] as ColumnSpec };
          return undefined;
        }
        data[names[i] as string] = value;
      }
      return data;
    },
  };
  return builder;
}

export function untypedData(names: readonly string[], fields: readonly string[]): JsonObject {
  const data: JsonObject = {};
  names.forEach((n, i) => {
    data[n] = fields[i] ?? '';
  });
  return data;
}
