import { z } from 'zod';
import type { Json } from '../sdk/index.js';

export const filterOps = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'exists', 'matches'] as const;
export type FilterOp = (typeof filterOps)[number];

/** `{ field, op, value }`: one test of one field. */
export interface FieldCondition {
  readonly field: string;
  readonly op: FilterOp;
  readonly value?: Json;
  /** For `matches`: regular expression flags (i, m, s, u). */
  readonly flags?: string;
}

export type FilterCondition =
  | FieldCondition
  | { readonly all: readonly FilterCondition[] }
  | { readonly any: readonly FilterCondition[] }
  | { readonly not: FilterCondition }
  | { readonly expression: string };

/** The value under `filter:`: one condition, or a list that must all hold. */
export type FilterConfig = FilterCondition | readonly FilterCondition[];

export const filterConditionSchema: z.ZodType<FilterCondition> = z.lazy(() =>
  z.union([
    z.strictObject({
      field: z.string().describe('Path into the record, e.g. customer.email'),
      op: z.enum(filterOps),
      value: z.json().optional(),
      flags: z.string().optional().describe('For matches: regular expression flags (i, m, s, u)'),
    }),
    z.strictObject({ all: z.array(filterConditionSchema).describe('Every condition holds') }),
    z.strictObject({ any: z.array(filterConditionSchema).describe('At least one condition holds') }),
    z.strictObject({ not: filterConditionSchema.describe('The condition does not hold') }),
    z.strictObject({ expression: z.string().describe('An expression, e.g. "total > 100 && status == \'paid\'"') }),
  ]),
);

/** zod schema of the filter step config (validated again, with paths, when compiled). */
export const filterConfigSchema: z.ZodType<FilterConfig> = z.union([
  filterConditionSchema,
  z.array(filterConditionSchema),
]);
