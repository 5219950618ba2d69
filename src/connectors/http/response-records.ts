import { parsePath, resolvePath, type ScopeReader } from '../../kit/index.js';
import { createRecord, type DataRecord, FlowError, type Json, type JsonObject } from '../../sdk/index.js';

/**
 * The records array of an answer: at \`recordsPath\` (an object there is one record, null none), or
 * the answer itself. Anything else fails naming the keys the answer has, so the path is easy to fix.
 */
export function recordsOf(
  body: Json,
  path: string | undefined,
  get: ScopeReader | undefined,
  where: () => string,
): Json[] {
  const found = get ? get(body) : body;
  if (Array.isArray(found)) return found as Json[];
  if (found === null) return [];
  if (get && typeof found === 'object') return [found as Json];
  let keys: Json | undefined = body;
  if (path) {
    const segments = parsePath(path);
    if (typeof segments !== 'string') {
      // the deepest object the path reaches: its keys are what the path could have named
      const { parent } = resolvePath(body, segments);
      if (typeof parent === 'object' && parent !== null && !Array.isArray(parent)) keys = parent;
    }
  }
  const names = typeof keys === 'object' && keys !== null && !Array.isArray(keys) ? Object.keys(keys) : [];
  const listed =
    names.length > 0
      ? names.slice(0, 20).join(', ')
      : `none (the answer is ${JSON.stringify(found ?? body)?.slice(0, 60)})`;
  throw new FlowError(
    'CONFIG_INVALID',
    `${where()}: ${path ? `records path "${path}" matches ${found === undefined ? 'nothing' : 'no array'}` : 'the answer is not an array'} — the response keys are ${listed}`,
    { hint: 'Set `recordsPath` to the path of the records array, e.g. data.items or ["value"].', field: 'recordsPath' },
  );
}

/**
 * Records from the items of one answer, without copying them: an object item is the record's data,
 * any other value becomes \`{ value }\`. The id is \`idField\`'s value, else the position in the stream.
 */
export function toRecords(
  items: readonly Json[],
  getId: ScopeReader | undefined,
  before: number,
  position: string,
): DataRecord[] {
  const records: DataRecord[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Json;
    const data: JsonObject = typeof item === 'object' && item !== null && !Array.isArray(item) ? item : { value: item };
    const idValue = getId ? getId(data) : undefined;
    const n = before + i + 1;
    const id =
      idValue === undefined || idValue === null ? String(n) : typeof idValue === 'string' ? idValue : String(idValue);
    records[i] = createRecord(data, { id, position: position + n });
  }
  return records;
}
