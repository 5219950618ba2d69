import type { SyncDefinition, SyncFieldDefinition } from '../../config/definition.js';
import { FlowError, FlowErrors, type JsonObject } from '../../sdk/index.js';
import { compileMapping } from '../../steps/mapping.js';
import { compileMatchKey } from './match-key.js';
import { type CompiledSync, otherSide, type Side } from './sync-plan-types.js';
import { canonical, hashValues, sameValue } from './sync-values.js';

/** One field's mapping from one side to the other: the other side's value from this side's values. */
export interface FieldTranslator {
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

/** The map config key writing the field `name`: `$$x` writes a field named `$x` (mapping.ts). */
function mapKey(name: string): string {
  return name.startsWith('$') ? `$${name}` : name;
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
    const key = mapKey(name);
    const spec = from === 'a' ? 'toB' : 'toA';
    try {
      out.push({ field, name, map: compileMapping({ [key]: specOf(field, from) }, field.where) });
    } catch (error) {
      const errors = error instanceof FlowErrors ? error.errors : error instanceof FlowError ? [error] : undefined;
      if (errors === undefined) throw error;
      problems.push(...errors.map((e) => atSpec(e, key, field, spec)));
    }
  }
  return out;
}

/**
 * A config error of a field's mapping, its path said as written (`fields.status.toB.values`), not as
 * the map's output key, at the line of that setting when the config knows it (else the field's).
 */
function atSpec(error: FlowError, key: string, f: SyncFieldDefinition, spec: 'toA' | 'toB'): FlowError {
  const old = error.field;
  const rest = old === key || old?.startsWith(`${key}.`) ? old.slice(key.length) : '';
  const field = `fields.${f.name}.${spec}${rest}`;
  // configError writes the field path first: `status.values: must be …`
  const message =
    old !== undefined && error.message.startsWith(`${old}: `)
      ? `${field}${error.message.slice(old.length)}`
      : error.message;
  return new FlowError(error.code, message, {
    kind: error.kind,
    field,
    where: f.fieldWhere?.(spec + rest) ?? f.fieldWhere?.(spec) ?? f.where,
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

/**
 * Every field of one direction as one map-step mapping (one object a record, not one a field), and
 * its translators by output name (a record error names the output field: located by it).
 */
function wholeDirection(
  def: SyncDefinition,
  from: Side,
  fields: readonly FieldTranslator[],
): { map: (values: JsonObject) => JsonObject; byName: Map<string, FieldTranslator> } {
  const byName = new Map(fields.map((t) => [t.name, t]));
  if (fields.length === 0) return { map: () => ({}), byName };
  const config: Record<string, JsonObject> = {};
  for (const t of fields) config[mapKey(t.name)] = specOf(t.field, from);
  return { map: compileMapping(config, def.where), byName };
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Compiles a sync's fields once per run (throws FlowErrors CONFIG_BAD_MAPPING for transforms that cannot work). */
export function compileSync(def: SyncDefinition): CompiledSync {
  const problems: FlowError[] = [];
  const fieldsToB = compileDirection(def, 'a', problems);
  const fieldsToA = compileDirection(def, 'b', problems);
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new FlowErrors(problems);
  const toB = wholeDirection(def, 'a', fieldsToB);
  const toA = wholeDirection(def, 'b', fieldsToA);
  const names = { a: unique(def.fields.map((f) => f.a)), b: unique(def.fields.map((f) => f.b)) };

  const translate = (from: Side, values: JsonObject): JsonObject => {
    const direction = from === 'a' ? toB : toA;
    try {
      return direction.map(values);
    } catch (error) {
      const t = error instanceof FlowError ? direction.byName.get(error.field ?? '') : undefined;
      throw t === undefined ? error : located(def, t, from, error);
    }
  };

  const matchKey = compileMatchKey(def, fieldsToA);

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
