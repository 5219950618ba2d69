import type { Json } from '../../sdk/json.js';

/** Which kinds of JSON value a column holds (nulls and missing values left out). */
export interface ValueKinds {
  text: boolean;
  integer: boolean;
  real: boolean;
  bool: boolean;
  /** Objects or arrays. */
  json: boolean;
}

/** The kinds of the values of one column: what `createTable` picks a column type from in every SQL connector. */
export function valueKinds(values: Iterable<Json | undefined>): ValueKinds {
  const k: ValueKinds = { text: false, integer: false, real: false, bool: false, json: false };
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') {
      if (Number.isInteger(v)) k.integer = true;
      else k.real = true;
    } else if (typeof v === 'boolean') k.bool = true;
    else if (typeof v === 'string') k.text = true;
    else k.json = true;
  }
  return k;
}
