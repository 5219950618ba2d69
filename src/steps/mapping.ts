import type { Json, JsonObject } from '../sdk/index.js';
import type { FieldSpec, MapConfig } from './map-config.js';
import { compileField, type FieldFn, parseOnMissing } from './map-field.js';
import { at, collectProblems, configError, type Site, suggest } from './problems.js';

const OPTIONS = ['$keep', '$onMissing', '$drop'];

/** Output field name for a config key: `$$ref` writes the field `$ref`. */
function outputName(key: string): string {
  return key.startsWith('$$') ? key.slice(1) : key;
}

/**
 * Compiles a `map:` config once into a closure from input data to output data. Fields come out in
 * declared order; with `$keep: true` the input fields are copied first. Throws FlowError
 * CONFIG_BAD_MAPPING (with `where` and the field path) for a config that cannot work; the closure
 * throws RECORD_BAD_VALUE / RECORD_MISSING_FIELD (with `field`) for a record that cannot be mapped.
 */
export function compileMapping(config: MapConfig, where: string): (data: JsonObject) => JsonObject {
  const root: Site = { where, field: '', code: 'CONFIG_BAD_MAPPING' };
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw configError(root, 'map needs an object of output field → source, e.g. { email: customer.email }');
  // Every field is compiled even after one fails, so that all problems are reported at once.
  const problems = collectProblems();
  const attempt = problems.attempt;
  for (const key of Object.keys(config))
    if (key.startsWith('$') && !key.startsWith('$$') && !OPTIONS.includes(key))
      problems.add(
        configError(
          at(root, key),
          `unknown map option "${key}"`,
          `${suggest(key, OPTIONS)} Write $$name for an output field named $name.`,
        ),
      );
  const keep = config.$keep ?? false;
  if (typeof keep !== 'boolean') problems.add(configError(at(root, '$keep'), 'must be true or false'));
  const onMissing = attempt(() => parseOnMissing(config.$onMissing, at(root, '$onMissing'))) ?? 'null';
  const drop = config.$drop ?? [];
  if (!Array.isArray(drop) || !drop.every((d) => typeof d === 'string'))
    problems.add(configError(at(root, '$drop'), 'must be a list of field names'));
  else if (drop.length > 0 && !keep)
    problems.add(
      configError(at(root, '$drop'), 'only makes sense with $keep: true (without it only mapped fields are written)'),
    );

  const names: string[] = [];
  const fns: FieldFn[] = [];
  for (const [key, raw] of Object.entries(config)) {
    if (OPTIONS.includes(key)) continue;
    const spec = (typeof raw === 'string' ? { from: raw } : raw) as FieldSpec;
    const fn = attempt(() => compileField(outputName(key), spec, onMissing, at(root, key)));
    names.push(outputName(key));
    if (fn) fns.push(fn);
  }
  if (names.length === 0 && keep !== true)
    problems.add(
      configError(root, 'map has no fields', 'Add fields like email: { from: customer.email }, or set $keep: true.'),
    );
  problems.throwIfAny('map');
  return assemble(names, fns, keep === true, new Set(drop as string[]));
}

function assemble(names: string[], fns: FieldFn[], keep: boolean, drop: Set<string>): (data: JsonObject) => JsonObject {
  const n = names.length;
  const copy =
    drop.size === 0
      ? (data: JsonObject): JsonObject => ({ ...data })
      : (data: JsonObject): JsonObject => {
          const out: JsonObject = {};
          for (const key of Object.keys(data)) if (!drop.has(key)) out[key] = data[key] as Json;
          return out;
        };
  return (data) => {
    const out: JsonObject = keep ? copy(data) : {};
    for (let i = 0; i < n; i++) {
      const v = (fns[i] as FieldFn)(data);
      if (v !== undefined) out[names[i] as string] = v;
    }
    return out;
  };
}
