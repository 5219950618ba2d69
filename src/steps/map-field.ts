import { compilePath } from '../kit/index.js';
import { FlowError, type Json, type JsonObject } from '../sdk/index.js';
import { compileExpression } from './expression.js';
import type { FieldSpec, OnMissing } from './map-config.js';
import { at, badValue, collectProblems, configError, type Site, showValue, suggest } from './problems.js';
import { compileTemplate } from './template.js';
import { compileTransforms } from './transforms.js';

/** One output field: its value for a record, or `undefined` to leave the field out. */
export type FieldFn = (data: JsonObject) => Json | undefined;

const FIELD_KEYS = ['from', 'template', 'value', 'compute', 'transform', 'values', 'default', 'onMissing'];
const SOURCES = ['from', 'template', 'value', 'compute'] as const;

/** Reads `onMissing` / `$onMissing` (YAML `null` and "null" mean the same). */
export function parseOnMissing(value: unknown, site: Site): OnMissing | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === 'null') return 'null';
  if (value === 'omit' || value === 'error') return value;
  throw configError(site, `onMissing must be null, omit or error, got ${JSON.stringify(value)}`);
}

function compileSource(spec: FieldSpec, site: Site, name: string): { read: FieldFn; label: string } {
  const given = SOURCES.filter((k) => spec[k] !== undefined);
  if (given.length !== 1)
    throw configError(
      site,
      given.length === 0
        ? 'needs one of from, template, value or compute'
        : `has both ${given.join(' and ')}; keep one`,
      'e.g. { from: customer.email } or { template: "{{a}} {{b}}" } or { value: 42 } or { compute: "a * b" }',
    );
  const kind = given[0] as (typeof SOURCES)[number];
  const raw = spec[kind];
  if (kind === 'value') return { read: () => raw as Json, label: 'value' };
  if (typeof raw !== 'string') throw configError(at(site, kind), `must be a string, got ${JSON.stringify(raw)}`);
  if (kind === 'from') {
    const read = compilePath(raw);
    if (typeof read === 'string')
      throw configError(
        at(site, 'from'),
        `bad path "${raw}": ${read}`,
        'Write paths like customer.address.city, lines[0].sku or meta["a.b"].',
      );
    return { read, label: raw };
  }
  if (kind === 'template') return { read: compileTemplate(raw, at(site, 'template')), label: 'template' };
  return { read: compileExpression(raw, at(site, 'compute'), name), label: 'expression' };
}

function valueKey(value: Json): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** Compiles one field spec (already normalised from the string shorthand) into a closure. */
export function compileField(name: string, spec: FieldSpec, defaultOnMissing: OnMissing, site: Site): FieldFn {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw configError(
      site,
      `must be a path string or an object like { from: path }, got ${JSON.stringify(spec)}`,
      'Write a constant as { value: … }.',
    );
  // each part is checked even after another failed: all problems are reported at once
  const problems = collectProblems();
  for (const key of Object.keys(spec))
    if (!FIELD_KEYS.includes(key))
      problems.add(configError(at(site, key), `unknown key "${key}"`, suggest(key, FIELD_KEYS)));
  const source = problems.attempt(() => compileSource(spec, site, name));
  const transform = problems.attempt(() => compileTransforms(spec.transform, at(site, 'transform'), name));
  let values: Map<string, Json> | undefined;
  if (spec.values !== undefined) {
    if (spec.values === null || typeof spec.values !== 'object' || Array.isArray(spec.values))
      problems.add(configError(at(site, 'values'), 'must be an object of input value → output value'));
    else values = new Map(Object.entries(spec.values));
  }
  const hasDefault = spec.default !== undefined && spec.default !== null;
  const fallback = spec.default as Json;
  const policy = problems.attempt(() => parseOnMissing(spec.onMissing, at(site, 'onMissing'))) ?? defaultOnMissing;
  problems.throwIfAny('field');
  const { read, label } = source as { read: FieldFn; label: string };
  const missing = (): Json | undefined => {
    if (hasDefault) return fallback;
    if (policy === 'null') return null;
    if (policy === 'omit') return undefined;
    throw new FlowError(
      'RECORD_MISSING_FIELD',
      `field ${name}: ${label === 'value' ? 'value' : `source ${label}`} is missing or null (onMissing: error)`,
      {
        field: name,
      },
    );
  };

  if (!transform && !values) {
    if (!hasDefault && policy === 'null') return (d) => read(d) ?? null;
    return (d) => {
      const v = read(d);
      return v === undefined || v === null ? missing() : v;
    };
  }
  return (d) => {
    let v = read(d);
    if (v === undefined || v === null) return missing();
    if (transform !== undefined) {
      v = transform(v);
      if (v === null) return missing();
    }
    if (values !== undefined) {
      const key = valueKey(v);
      const mapped = key === undefined ? undefined : values.get(key);
      if (mapped === undefined) {
        if (hasDefault) return fallback;
        throw badValue(
          name,
          v,
          `is not in values (${[...values.keys()].map((k) => showValue(k)).join(', ')}); add it or set a default`,
        );
      }
      v = mapped;
      if (v === null) return missing();
    }
    return v;
  };
}
