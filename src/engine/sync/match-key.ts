import type { SyncDefinition } from '../../config/definition.js';
import { FlowError, type JsonObject } from '../../sdk/index.js';
import type { FieldTranslator } from './compile-sync.js';
import type { CompiledSync } from './sync-plan-types.js';
import { canonical } from './sync-values.js';

/**
 * The match key: each match field's value in side a's terms (side b's value through that field's b→a
 * mapping; a field that does not sync b→a is compared as is), `normalize`d, as canonical text, joined
 * with \u0001. Null when there is no rule or any part is null or empty, or a b value its mapping cannot
 * translate (staging never fails on a match key: the record's create reports the value, as a record error).
 */
export function compileMatchKey(def: SyncDefinition, toA: readonly FieldTranslator[]): CompiledSync['matchKey'] {
  const rule = def.match;
  if (rule === undefined || rule.fields.length === 0) return () => null;
  const trim = rule.normalize.includes('trim');
  const lower = rule.normalize.includes('lowercase');
  const parts = rule.fields.map((name) => {
    const field = def.fields.find((f) => f.name === name);
    if (field === undefined)
      throw new FlowError('CONFIG_SYNC_FIELD', `${def.where}: match field "${name}" is not a field of the sync`, {
        where: def.where,
        field: name,
      });
    const back = toA.find((t) => t.field === field);
    const readB =
      back === undefined
        ? (v: JsonObject) => v[field.b]
        : (v: JsonObject) => {
            try {
              return back.map(v)[field.a];
            } catch (error) {
              // no key: the record is then created, and its create fails with this error, on the record
              if (error instanceof FlowError && error.kind === 'record') return null;
              throw error;
            }
          };
    return { a: (v: JsonObject) => v[field.a], b: readB };
  });
  return (side, values) => {
    let key = '';
    for (let i = 0; i < parts.length; i++) {
      let v = (parts[i] as (typeof parts)[number])[side](values);
      if (typeof v === 'string') {
        if (trim) v = v.trim();
        if (lower) v = v.toLowerCase();
      }
      const token = canonical(v);
      if (token === '~' || token === "'") return null;
      key += i === 0 ? keyText(token) : `\u0001${keyText(token)}`;
    }
    return key;
  };
}

/** A canonical token as readable key text: numbers and strings bare, instants as ISO, JSON as is. */
function keyText(token: string): string {
  const c = token.charCodeAt(0);
  if (c === 35 || c === 39) return token.slice(1); // # '
  if (c === 64) return new Date(Number(token.slice(1))).toISOString(); // @
  return token;
}
