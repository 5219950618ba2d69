import { compilePath } from '../kit/index.js';
import { defineStep, FlowError, type Json, type JsonObject } from '../sdk/index.js';
import { recordProcessor } from './record-processor.js';
import { type FieldRules, type ValidateConfig, type ValueType, validateConfigSchema } from './validate-config.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function typeOk(value: Json, type: ValueType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
  }
}

const show = (v: Json) => {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

/** One field's checks, compiled: the broken rules of a value, as `rule: why`. */
function compileRules(field: string, rules: FieldRules): (value: Json | undefined) => string[] {
  const pattern = rules.pattern === undefined ? undefined : new RegExp(rules.pattern, 'u');
  const allowed = rules.enum;
  const seen = rules.unique ? new Set<string>() : undefined;
  return (value) => {
    const broken: string[] = [];
    const missing = value === undefined || value === null || value === '';
    if (missing) {
      // the other rules apply to values that are there
      return rules.required ? [`${field} required: it is missing`] : [];
    }
    if (rules.type && !typeOk(value, rules.type))
      broken.push(`type: ${show(value)} is not ${rules.type === 'integer' ? 'an' : 'a'} ${rules.type}`);
    if (pattern && (typeof value !== 'string' || !pattern.test(value)))
      broken.push(`pattern: ${show(value)} does not match ${rules.pattern}`);
    if (typeof value === 'number') {
      if (rules.min !== undefined && value < rules.min) broken.push(`min: ${value} is below ${rules.min}`);
      if (rules.max !== undefined && value > rules.max) broken.push(`max: ${value} is above ${rules.max}`);
    }
    if (typeof value === 'string') {
      if (rules.minLength !== undefined && value.length < rules.minLength)
        broken.push(`minLength: ${value.length} characters, at least ${rules.minLength}`);
      if (rules.maxLength !== undefined && value.length > rules.maxLength)
        broken.push(`maxLength: ${value.length} characters, at most ${rules.maxLength}`);
    }
    if (allowed && !allowed.some((a) => a === value))
      broken.push(`enum: ${show(value)} is not one of ${allowed.map(show).join(', ')}`);
    if (seen) {
      const key = JSON.stringify(value);
      if (seen.has(key)) broken.push(`unique: ${show(value)} appeared earlier in this run`);
      else seen.add(key);
    }
    return broken.map((b) => `${field} ${b}`);
  };
}

/**
 * `validate:` — data quality. Each record is checked against every field's rules; a record that
 * breaks one goes to the error store with code DATA_QUALITY, naming each broken rule and value,
 * and the rest go on unchanged. `unique` remembers the values seen in this run.
 */
export const validateStep = defineStep<ValidateConfig>({
  type: 'validate',
  description: 'Checks fields: required, type, pattern, min/max, minLength/maxLength, enum, unique within the run.',
  config: validateConfigSchema,
  create({ config, where }) {
    const checks = Object.entries(config).map(([field, rules]) => {
      const read = compilePath(field);
      if (typeof read === 'string') {
        throw new FlowError('CONFIG_INVALID', `${where}: field "${field}": ${read}`, {
          hint: 'Write a path such as customer.email or lines.0.sku.',
        });
      }
      return { field, read, rules: compileRules(field, rules) };
    });
    // records that broke each rule, per call: `stats` of the run record, e.g. { "email pattern": 3 }
    let brokenRules: Record<string, number> = {};
    const inner = recordProcessor(where, (record) => {
      const broken: string[] = [];
      let first: string | undefined;
      for (const c of checks) {
        const problems = c.rules(c.read(record.data as JsonObject));
        if (problems.length > 0) first ??= c.field;
        for (const p of problems) {
          const rule = `${c.field} ${p.slice(c.field.length + 1).split(':')[0]}`;
          brokenRules[rule] = (brokenRules[rule] ?? 0) + 1;
        }
        broken.push(...problems);
      }
      if (broken.length === 0) return record;
      throw new FlowError('DATA_QUALITY', broken.join('; '), {
        ...(first === undefined ? {} : { field: first }),
        hint: 'Correct the record at the source (or the rule), then retry the error record.',
      });
    });
    return {
      async process(records, ctx) {
        brokenRules = {};
        const result = await inner.process(records, ctx);
        return Object.keys(brokenRules).length > 0 ? { ...result, stats: brokenRules } : result;
      },
    };
  },
});
