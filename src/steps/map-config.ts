import { z } from 'zod';
import type { Json } from '../sdk/index.js';

/** What happens when a field's source is missing (absent or null) and there is no `default`. */
export type OnMissing = 'null' | 'omit' | 'error';

/** One transform: a name (`trim`) or a name with an option (`{ round: 2 }`, `{ date: {...} }`). */
export type TransformSpec = string | { readonly [name: string]: unknown };

export interface FieldSpec {
  /** Path into the input record: `customer.email`, `lines[0].sku`, `lines.0.sku`. */
  readonly from?: string;
  /** Handlebars-compatible template: `{{first_name}} {{last_name}}`. */
  readonly template?: string;
  /** A constant. */
  readonly value?: Json;
  /** An expression: `quantity * unit_price - discount`. */
  readonly compute?: string;
  readonly transform?: TransformSpec | readonly TransformSpec[];
  /** Value map: source value (as text) → output value. */
  readonly values?: { readonly [from: string]: Json };
  /** Output when the source is missing/null or not in `values`. */
  readonly default?: Json;
  readonly onMissing?: OnMissing | null;
}

/** The value under `map:`: output field → spec (a string is `{ from: … }`), plus `$` options. */
export interface MapConfig {
  /** Copy the input fields first (mapped fields are added or overwrite). */
  readonly $keep?: boolean;
  /** Default `onMissing` for every field. */
  readonly $onMissing?: OnMissing | null;
  /** With `$keep`: input fields not to copy. */
  readonly $drop?: readonly string[];
  readonly [field: string]: FieldSpec | string | boolean | OnMissing | null | readonly string[] | undefined;
}

const onMissing = z
  .union([z.enum(['null', 'omit', 'error']), z.null()])
  .describe('Missing source field: null (default) | omit | error');

const transform = z.union([z.string(), z.record(z.string(), z.unknown())]);

export const fieldSpecSchema = z.union([
  z.string().describe('Shorthand for { from: <path> }'),
  z.strictObject({
    from: z.string().optional().describe('Path into the input record, e.g. customer.address.city or lines[0].sku'),
    template: z.string().optional().describe('Handlebars template, e.g. "{{first_name}} {{last_name}}"'),
    value: z.json().optional().describe('A constant value'),
    compute: z.string().optional().describe('Expression, e.g. "quantity * unit_price - discount"'),
    transform: z
      .union([transform, z.array(transform)])
      .optional()
      .describe('One transform or a list, applied in order'),
    values: z.record(z.string(), z.json()).optional().describe('Value map: input value → output value'),
    default: z.json().optional().describe('Used when the source is missing/null or not in values'),
    onMissing: onMissing.optional(),
  }),
]);

/** zod schema of the map step config (validated again, with field paths, when compiled). */
export const mapConfigSchema = z
  .object({
    $keep: z.boolean().optional().describe('Copy the input fields first'),
    $onMissing: onMissing.optional(),
    $drop: z.array(z.string()).optional().describe('With $keep: input fields not to copy'),
  })
  .catchall(fieldSpecSchema) as unknown as z.ZodType<MapConfig>;
