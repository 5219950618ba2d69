import { z } from 'zod';
import { durationSchema } from '../sdk/index.js';

/** The basics of the `syncs:` structure: names, defaults, the policies' names. */
export const nonEmpty = z.string().min(1, 'must not be empty');
/** The longest name of a field, key, table or connection a sync accepts (they are shown in messages). */
export const SYNC_IDENT_MAX = 256;
/** A name: not empty, at most 256 characters. */
export const ident = nonEmpty.max(SYNC_IDENT_MAX, `at most ${SYNC_IDENT_MAX} characters`);

export const SYNC_DEFAULTS = {
  batch: 500,
  maxAttempts: 5,
  skew: '60s',
  skewMs: 60_000,
  conflictPolicy: 'newest',
  deletePolicy: 'ignore',
  normalize: ['trim', 'lowercase'],
  maxAmbiguous: 100,
} as const;

export const SYNC_DIRECTIONS = ['both', 'a-to-b', 'b-to-a'] as const;
export const CONFLICT_POLICIES = ['newest', 'a', 'b', 'manual'] as const;
export const DELETE_POLICIES = ['ignore', 'flag', 'propagate', 'review'] as const;

/** A sync's policies (strict): the first-run match rule, who decides conflicts, what deletes do (docs/sync.md). */
export const syncMatchSchema = z
  .union([
    z.array(ident).min(1).describe('Sync fields whose normalised values pair records on the first run.'),
    z.strictObject({
      fields: z.array(ident).min(1).describe('Sync fields (direction both) whose values must all be equal.'),
      normalize: z
        .array(z.enum(['trim', 'lowercase']))
        .default([...SYNC_DEFAULTS.normalize])
        .describe('Applied before comparing (default [trim, lowercase]; [] compares as is).'),
      maxAmbiguous: z
        .number()
        .int()
        .min(0)
        .default(SYNC_DEFAULTS.maxAmbiguous)
        .describe(
          'More records with several candidates than this fail the run before anything is written (default 100); fewer go to the conflict queue.',
        ),
    }),
  ])
  .describe('First-run pairing of records that exist on both sides (default: none; unlinked records are created).');

export const syncConflictsSchema = z
  .union([
    z.enum(CONFLICT_POLICIES).describe('The policy alone.'),
    z.strictObject({
      policy: z
        .enum(CONFLICT_POLICIES)
        .default(SYNC_DEFAULTS.conflictPolicy)
        .describe(
          'A field both sides changed: newest (default) wins by the cursor, a or b always wins, manual asks a person.',
        ),
      skew: durationSchema
        .default(SYNC_DEFAULTS.skew)
        .describe('newest: changes closer together than this are left to a person, not the clocks (default 60s).'),
    }),
  ])
  .describe('Who decides a field both sides changed since the last sync (default: newest, skew 60s).');

const flagSchema = z.strictObject({
  field: ident.describe('The field set on this side when the paired record is deleted on the other.'),
  value: z.json().default(true).describe('The value written (default true).'),
});

export const syncDeletesSchema = z
  .union([
    z.enum(DELETE_POLICIES).describe('The policy alone.'),
    z.strictObject({
      policy: z
        .enum(DELETE_POLICIES)
        .default(SYNC_DEFAULTS.deletePolicy)
        .describe(
          'A record deleted on one side: ignore (default), flag its pair, propagate the delete, or review (a person decides).',
        ),
      flag: z
        .strictObject({ a: flagSchema.optional(), b: flagSchema.optional() })
        .optional()
        .describe('policy flag: the field written on each side (`{ a: { field: archived, value: true } }`).'),
      reconcile: z
        .union([z.boolean(), nonEmpty])
        .optional()
        .describe(
          'Find hard deletes by a full read compared with the links: true (every run) or a cron, e.g. "0 3 * * 0".',
        ),
    }),
  ])
  .describe('What a record deleted on one side does to its pair (default: ignore).');
