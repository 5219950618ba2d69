import type { SyncDefinition, SyncFieldDefinition } from '../../config/definition.js';
import { FlowError, FlowErrors, type Json, type JsonObject } from '../../sdk/index.js';
import { compileMapping } from '../../steps/mapping.js';
import { type CompiledSync, otherSide, type Side } from './sync-plan-types.js';
import { canonical, hashValues, sameValue } from './sync-values.js';

/** One field's mapping from one side to the other: the other side's value from this side's values. */
interface FieldTranslator {
  readonly field: SyncFieldDefinition;
  /** The output field name (the other side's). */
  readonly name: string;
  readonly map: (values: JsonObject) => JsonObject;
}

const SOURCE_KEYS = ['from', 'template', 'value', 'compute'];

/** A path reading the top-level field `name` (quoted when it has dots, brackets or is all digits). */
function pathOf(name: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(name)) return name;
  return name.includes('"') ? `['${name}']` : `["${name}"]`;
}

function goes(field: SyncFieldDefinition, from: Side): boolean {
  return field.direction === 'both' || field.direction === (from === 'a' ? 'a-to-b' : 'b-to-a');
}

/**
 * The map-step spec of a field in one direction: `{ from: <this side's name>, ...toB }` (a spec with its
 * own source — `from`, `template`, `value`, `compute` — is taken as written).
 */
function specOf(field: SyncFieldDefinition, from: Side): JsonObject {
  const given = from === 'a' ? field.toB : field.toA;
  if (given !== undefined && SOURCE_KEYS.some((k) => given[k] !== undefined)) return given;
  return { from: pathOf(from === 'a' ? field.a : field.b), ...given };
}

function compileDirection(def: SyncDefinition, from: Side, problems: FlowError[]): FieldTranslator[] {
  const out: FieldTranslator[] = [];
  for (const field of def.fields) {
    if (!goes(field, from)) continue;
    const name = from === 'a' ? field.b : field.a;
    // `$$x` writes a field named `$x` (mapping.ts)
    const key = name.startsWith('$') ? `$${name}` : name;
    const spec = from === 'a' ? 'toB' : 'toA';
    try {
      out.push({ field, name, map: compileMapping({ [key]: specOf(field, from) }, field.where) });
    } catch (error) {
      const errors = error instanceof FlowErrors ? error.errors : error instanceof FlowError ? [error] : undefined;
      if (errors === undefined) throw error;
      problems.push(...errors.map((e) => atSpec(e, key, `fields.${field.name}.${spec}`)));
    }
  }
  return out;
}

/** A config error of a field's mapping, its path said as written (`fields.status.toB.values`), not as the map's output key. */
function atSpec(error: FlowError, key: string, path: string): FlowError {
  const old = error.field;
  const field = old === key || old?.startsWith(`${key}.`) ? path + old.slice(key.length) : (old ?? path);
  // configError writes the field path first: `status.values: must be …`
  const message =
    old !== undefined && error.message.startsWith(`${old}: `)
      ? `${field}${error.message.slice(old.length)}`
      : error.message;
  return new FlowError(error.code, message, {
    kind: error.kind,
    field,
    ...(error.where === undefined ? {} : { where: error.where }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}

/** A record error of a field's mapping, said in the sync's terms (which sync, field and direction). */
function located(def: SyncDefinition, t: FieldTranslator, from: Side, error: unknown): unknown {
  if (!(error instanceof FlowError)) return error;
  return new FlowError(error.code, error.message, {
    kind: error.kind,
    where: `sync ${def.name} field ${t.field.name} (${from} → ${otherSide(from)})`,
    field: t.field.name,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    cause: error,
  });
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Compiles a sync's fields once per run (throws FlowErrors CONFIG_BAD_MAPPING for transforms that cannot work). */
export function compileSync(def: SyncDefinition): CompiledSync {
  const problems: FlowError[] = [];
  const toB = compileDirection(def, 'a', problems);
  const toA = compileDirection(def, 'b', problems);
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new FlowErrors(problems);
  const names = { a: unique(def.fields.map((f) => f.a)), b: unique(def.fields.map((f) => f.b)) };

  const translate = (from: Side, values: JsonObject): JsonObject => {
    const out: JsonObject = {};
    for (const t of from === 'a' ? toB : toA) {
      let v: Json | undefined;
      try {
        v = t.map(values)[t.name];
      } catch (error) {
        throw located(def, t, from, error);
      }
      if (v !== undefined) out[t.name] = v;
    }
    return out;
  };

  const matchKey = compileMatchKey(def, toA);

  return {
    def,
    extract(side, data) {
      const out: JsonObject = {};
      for (const name of names[side]) out[name] = data[name] ?? null;
      return out;
    },
    hash: (side, values) => hashValues(names[side], values),
    matchKey,
    isDeleted(side, data) {
      const rule = def[side].deleted;
      if (rule === undefined) return false;
      const value = data[rule.field];
      if (rule.value !== undefined) return sameValue(value, rule.value);
      const token = canonical(value);
      return token !== '~' && token !== '#0' && token !== "'";
    },
    translate,
    same: sameValue,
  };
}

/**
 * The match key: each match field's value in side a's terms (side b's value through that field's b→a
 * mapping; a field that does not sync b→a is compared as is), `normalize`d, as canonical text, joined
 * with \u0001. Null when there is no rule or any part is null or empty.
 */
function compileMatchKey(def: SyncDefinition, toA: readonly FieldTranslator[]): CompiledSync['matchKey'] {
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
              throw located(def, back, 'b', error);
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
