import { z } from 'zod';
import { durationSchema } from '../sdk/index.js';
import { flowSchema, retrySchema } from './structure.js';
import {
  CONFLICT_POLICIES,
  ident,
  nonEmpty,
  SYNC_DEFAULTS,
  SYNC_DIRECTIONS,
  syncConflictsSchema,
  syncDeletesSchema,
  syncMatchSchema,
} from './sync-policy-structure.js';

export { SYNC_DEFAULTS, SYNC_IDENT_MAX } from './sync-policy-structure.js';

/**
 * The `syncs:` block of the flow file (strict): a bi-directional sync's own structure (docs/sync.md).
 * The `.describe()` texts are what editors show (`syncline schema`) and what docs/sync.md is written from.
 * Component settings (a side's `source:` / `destination:`) and field specs (`toA:` / `toB:`) are
 * validated by the component's schema and the map step's field schema.
 */
/** What a side calls a soft-deleted record: a field set, or a field holding a value. */
export const deletedSchema = z
  .union([
    ident.describe('The field that marks a deleted record when set (not null, false, 0 or empty).'),
    z.strictObject({
      field: ident.describe('The field that marks a deleted record.'),
      value: z.json().optional().describe('The record is deleted when the field equals this (default: when set).'),
    }),
  ])
  .describe('Soft delete on this side: `deleted_at`, or `{ field: status, value: archived }`.');

/** A side's reading and writing components, written out (instead of the `table:` / `query:` shorthand). */
const componentSchema = (what: string) =>
  z
    .looseObject({ type: nonEmpty.describe(`The full ${what} type, e.g. sqlite.table.`) })
    .describe(
      `The side's ${what} written out: \`type:\` and the settings of that type (the connection is the side's).`,
    );

export const syncSideSchema = z.strictObject({
  name: ident.optional().describe("Shown in counters and messages (default: the connection's name)."),
  connection: ident.describe('The connection this side reads from and writes to (declared under connections:).'),
  table: ident
    .optional()
    .describe(
      "Shorthand: read the table with `<connector>.table` and write it with `<connector>.table` (a source and a destination of the connection's connector).",
    ),
  query: nonEmpty
    .optional()
    .describe('Read the side with `<connector>.query` (this SQL); writes need `table:` or `destination:` too.'),
  source: componentSchema('source').optional(),
  destination: componentSchema('destination').optional(),
  key: ident.describe('The field that identifies a record on this side (its id, primary key).'),
  cursor: ident
    .optional()
    .describe(
      'The change cursor: a field that grows on every change (updated_at, a version). Required unless deletes.reconcile is set.',
    ),
  overlap: durationSchema
    .optional()
    .describe('Re-read this far below the watermark against commit-order skew (e.g. 5s; default 0).'),
  deleted: deletedSchema.optional(),
  stampCursor: z
    .boolean()
    .default(false)
    .describe(
      'Write the cursor field (the run clock, ISO text) with every create and update on this side (default false).',
    ),
});

/** `toA:` / `toB:` as written: a map-step field spec (checked with the map step's own schema). */
const fieldSpec = (from: string, to: string) =>
  z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .describe(
      `How side ${to}'s value is computed from side ${from}'s record: a map field spec (transform, values, template, compute, default; \`from\` defaults to the field's ${from} name).`,
    );

export const syncFieldObjectSchema = z.strictObject({
  a: ident.optional().describe("The field's name on side a (default: the key under fields:)."),
  b: ident.optional().describe("The field's name on side b (default: the key under fields:)."),
  direction: z
    .enum(SYNC_DIRECTIONS)
    .default('both')
    .describe(
      "Which way changes go: both (default), a-to-b or b-to-a. A side's key goes one way only: from it (an id copied into the other side) or into it (written on creates).",
    ),
  toB: fieldSpec('a', 'b').optional(),
  toA: fieldSpec('b', 'a').optional(),
  conflict: z
    .enum(CONFLICT_POLICIES)
    .optional()
    .describe("This field's conflict policy: newest, a, b or manual (default: the sync's conflicts.policy)."),
});

export const syncFieldSchema = z
  .union([
    z.enum(SYNC_DIRECTIONS).describe('The direction only: the same name on both sides.'),
    syncFieldObjectSchema,
    z.null().describe('The same name on both sides, both ways.'),
  ])
  .describe(
    'One corresponding field: `{}` (same name, both ways), `a-to-b`, or `{ a: …, b: …, direction, toA, toB }`.',
  );

export const syncSchema = z.strictObject({
  description: z.string().optional().describe('Shown in listings.'),
  schedule: z.string().optional().describe('Cron expression: when the scheduler (serve) runs the sync.'),
  timezone: z.string().optional().describe('Time zone of the schedule (default UTC).'),
  overlap: flowSchema.shape.overlap.describe('A tick while a run is still active: skip (default) or queue.'),
  a: syncSideSchema.describe('Side a: a connection, how its changes are read and how it is written.'),
  b: syncSideSchema.describe('Side b: a connection, how its changes are read and how it is written.'),
  fields: z.record(z.string(), syncFieldSchema).describe('The corresponding fields, by a name of your choice.'),
  match: syncMatchSchema.optional(),
  conflicts: syncConflictsSchema.optional(),
  deletes: syncDeletesSchema.optional(),
  batch: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(SYNC_DEFAULTS.batch)
    .describe('Records per read page and per write call (default 500).'),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(SYNC_DEFAULTS.maxAttempts)
    .describe('A change whose write failed this many runs in a row is parked until retried by hand (default 5).'),
  retry: retrySchema
    .nullish()
    .describe('How transient failures of reads and writes are retried in place (as for flows).'),
  timeouts: flowSchema.shape.timeouts.describe(
    'Limits on time: the whole run, the next page of a read, one write call.',
  ),
  pii: flowSchema.shape.pii.describe("Fields (in either side's names) holding personal data: masked wherever shown."),
  notify: z.unknown().nullish().describe("Error notifications for this sync (replaces the file's notify:)."),
});
