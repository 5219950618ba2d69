import { z } from 'zod';

/**
 * The flow file's own structure (strict). Component settings are the remaining keys of a
 * connection, source or destination map (or the value under a step's type key) and are
 * validated by the component's own schema.
 */
const nonEmpty = z.string().min(1, 'must not be empty');

export const DEFAULT_BATCH_SIZE = 500;

export const projectSchema = z.strictObject({
  connections: z.record(z.string(), z.unknown()).nullish(),
  flows: z.record(z.string(), z.unknown()),
});

export const connectionWrapper = z.looseObject({ type: nonEmpty });
export const CONNECTION_KEYS = ['type'] as const;

export const flowSchema = z.strictObject({
  description: z.string().optional(),
  schedule: z.string().optional(),
  timezone: z.string().optional(),
  /** Record fields holding personal data (`customer.email`, `lines.*.phone`): masked wherever records are shown. */
  pii: z.array(nonEmpty).optional(),
  source: z.record(z.string(), z.unknown()).nullish(),
  steps: z.array(z.unknown()).nullish(),
  destinations: z.array(z.unknown()).nullish(),
});

export const sourceWrapper = z.looseObject({ connection: nonEmpty, type: nonEmpty });
export const SOURCE_KEYS = ['connection', 'type'] as const;

export const batchSchema = z.strictObject({
  size: z.number().int().positive().max(1_000_000).default(DEFAULT_BATCH_SIZE),
});

export const destinationWrapper = z.looseObject({
  connection: nonEmpty,
  type: nonEmpty,
  name: nonEmpty.optional(),
  batch: batchSchema.nullish(),
});
export const DESTINATION_KEYS = ['connection', 'type', 'name', 'batch'] as const;

export const stepName = nonEmpty;
