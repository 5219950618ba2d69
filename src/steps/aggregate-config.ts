import { z } from 'zod';

/** The functions an output field of `aggregate:` can compute, each over one path of the records. */
export const aggregateFunctions = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last', 'collect'] as const;
export type AggregateFunction = (typeof aggregateFunctions)[number];

/** Groups held in memory before they are spilled to the state store. */
export const DEFAULT_MAX_GROUPS = 100_000;

const path = z.string().min(1);

/** One output field: exactly one function, e.g. `{ sum: total }` or `{ collect: sku, limit: 100 }`. */
export const aggregateFieldSchema = z
  .strictObject({
    /** `true`: the records of the group; a path: the records where it holds a value (not null). */
    count: z
      .union([z.literal(true), path])
      .optional()
      .describe('true: records of the group; a path: its non-null values'),
    /** Sum of the numbers at the path (numeric text such as "12.50" counts as a number). */
    sum: path.optional().describe('Sum of the numbers at this path'),
    /** Average of the numbers at the path. */
    avg: path.optional().describe('Average of the numbers at this path'),
    /** Smallest value: numbers compare as numbers, text as text (ISO dates sort as text); numbers sort before text. */
    min: path.optional().describe('Smallest number or text at this path'),
    /** Largest value, by the same rule as `min`. */
    max: path.optional().describe('Largest number or text at this path'),
    /** The value of the group's first record that has one (input order). */
    first: path.optional().describe('First non-null value at this path, in input order'),
    /** The value of the group's last record that has one (input order). */
    last: path.optional().describe('Last non-null value at this path, in input order'),
    /** The non-null values, in input order, as an array. */
    collect: path.optional().describe('The non-null values at this path, as an array in input order'),
    /** `collect`: keep at most this many values (the first ones). */
    limit: z.number().int().positive().optional().describe('collect: at most this many values (the first ones)'),
    /** `collect`: each value once (equal JSON). */
    distinct: z.boolean().optional().describe('collect: each value once'),
  })
  .superRefine((field, ctx) => {
    const given = aggregateFunctions.filter((f) => field[f] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? `name a function: ${aggregateFunctions.join(', ')}`
            : `one function per field, not ${given.join(' and ')}: add another output field for each`,
      });
    }
    for (const option of ['limit', 'distinct'] as const) {
      if (field[option] !== undefined && field.collect === undefined)
        ctx.addIssue({ code: 'custom', path: [option], message: `${option} applies to collect only` });
    }
  });

export type AggregateField = z.infer<typeof aggregateFieldSchema>;

/** `aggregate:` — one output record per group of records with equal `groupBy` values. */
export const aggregateConfigSchema = z.strictObject({
  /**
   * The fields that make a group: a path, a list of paths (each output under the path as written),
   * or output name → path. Left out: all records make one group.
   */
  groupBy: z
    .union([path, z.array(path), z.record(z.string().min(1), path)])
    .optional()
    .describe('Path(s) whose values make a group; { name: path } to rename; none: one group'),
  /** Output field → function. */
  fields: z
    .record(z.string().min(1), aggregateFieldSchema)
    .refine((f) => Object.keys(f).length > 0, 'name at least one output field, e.g. { count: { count: true } }'),
  /** Groups held in memory; beyond, they are spilled to the state store and merged there. */
  maxGroups: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_MAX_GROUPS)
    .describe('Groups held in memory before spilling to the state store'),
});

export type AggregateConfig = z.input<typeof aggregateConfigSchema>;
