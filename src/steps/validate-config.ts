import { z } from 'zod';

export const valueTypes = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'date'] as const;
export type ValueType = (typeof valueTypes)[number];

/** The rules for one field; every rule given must hold. */
export const fieldRulesSchema = z.strictObject({
  /** The field must be present and not null (nor an empty string). */
  required: z.boolean().optional(),
  /** JSON type of the value; `date` is an ISO 8601 date or date-time text. */
  type: z.enum(valueTypes).optional(),
  /** A regular expression a text value must match (anchor it with ^…$ for the whole value). */
  pattern: z
    .string()
    .refine((p) => {
      try {
        new RegExp(p, 'u');
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression')
    .optional(),
  /** Bounds of a number (inclusive). */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Bounds of a text's length. */
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(0).optional(),
  /** The allowed values. */
  enum: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .min(1)
    .optional(),
  /** No two records of the run may have the same value. */
  unique: z.boolean().optional(),
});

export type FieldRules = z.infer<typeof fieldRulesSchema>;

/** `validate:` — field path → its rules, e.g. `{ email: { required: true, pattern: "@" } }`. */
export const validateConfigSchema = z
  .record(z.string().min(1), fieldRulesSchema)
  .refine((m) => Object.keys(m).length > 0, 'name at least one field and its rules');

export type ValidateConfig = z.infer<typeof validateConfigSchema>;
