import { z } from 'zod';
import { durationSchema } from '../sdk/index.js';

/**
 * The flow file's own structure (strict). Component settings are the remaining keys of a
 * connection, source or destination map (or the value under a step's type key) and are
 * validated by the component's own schema.
 */
const nonEmpty = z.string().min(1, 'must not be empty');

/**
 * Records per write call when a destination sets no `batch.size`. 1000, measured (issue 11 item 34):
 * through `syncline run`, 100,000 rows, 5 interleaved runs each, CPU time 500 vs 1000: CSV → SQLite 1.00×,
 * PostgreSQL → PostgreSQL upsert 1.02× (wall 1.05×); 2000 vs 1000: 1.03× and 0.99× — 500 was never
 * faster, 2000 no faster, and 1000 is what the benchmarks' in-process figures use.
 */
export const DEFAULT_BATCH_SIZE = 1000;

/**
 * How transient failures (5xx, 429, timeouts, busy database) are retried in place. Each level
 * overrides the one before, key by key: engine defaults ← flow ← connection ← destination.
 */
export const retrySchema = z.strictObject({
  /** Attempts in all, the first included (1 = no retry). */
  maxAttempts: z.number().int().min(1).max(100).optional(),
  /** `exponential`: base, 2×base, 4×base … up to max; `fixed`: base every time. */
  backoff: z.enum(['fixed', 'exponential']).optional(),
  base: durationSchema.optional(),
  max: durationSchema.optional(),
  /** Spread each wait randomly over [wait/2, wait] so that many clients do not retry in step. */
  jitter: z.boolean().optional(),
});

export const projectSchema = z.strictObject({
  /** Error notifications for every flow (a flow's own `notify:` replaces it). */
  notify: z.unknown().nullish(),
  connections: z.record(z.string(), z.unknown()).nullish(),
  /** One-way flows; a file declares flows, syncs or both. */
  flows: z.record(z.string(), z.unknown()).nullish(),
  /** Bi-directional syncs (docs/sync.md), checked by sync-structure.ts. */
  syncs: z.record(z.string(), z.unknown()).nullish(),
});

/** The circuit breaker of a connection (shared by every flow using it in the process). */
export const breakerSchema = z.strictObject({
  /** `false` turns the breaker off for this connection. */
  enabled: z.boolean().optional(),
  /** Opens after this many transient failures in a row (default 5). */
  failures: z.number().int().min(1).max(10_000).optional(),
  /** …or when this share of the calls within `window` failed (0–1; default off), once `minCalls` were made. */
  ratio: z.number().gt(0).max(1).optional(),
  window: durationSchema.optional(),
  minCalls: z.number().int().min(1).optional(),
  /** How long it stays open before admitting probes (default 30s). */
  openFor: durationSchema.optional(),
  /** Probes admitted when half-open; all must succeed to close (default 1). */
  halfOpenRequests: z.number().int().min(1).max(100).optional(),
  /** How long a run waits for an open circuit before it ends as `paused` (default 1m). */
  maxWait: durationSchema.optional(),
});

export const connectionWrapper = z.looseObject({
  type: nonEmpty,
  retry: retrySchema.nullish(),
  breaker: breakerSchema.nullish(),
  /** Bulkhead: at most this many calls to the connection at once, across every flow of the process. */
  maxConcurrent: z.number().int().min(1).max(1000).nullish(),
});
export const CONNECTION_KEYS = ['type', 'retry', 'breaker', 'maxConcurrent'] as const;

/**
 * A run whose records nearly all fail stops (status failed, ERROR_THRESHOLD) at a page boundary,
 * its checkpoint kept, instead of filling the error store (docs/flow-file.md#error-threshold).
 */
export const errorThresholdSchema = z
  .strictObject({
    /** Stop once more than this many records failed (default: no absolute limit). */
    maxErrors: z
      .number({ error: 'a whole number of records, e.g. 5000' })
      .int('a whole number of records, e.g. 5000')
      .min(1, 'at least 1, e.g. 5000'),
    /** Stop once more than this fraction of the records read failed (default 0.9; 1 = never by rate). */
    maxErrorRate: z
      .number({ error: 'a fraction of the records read, e.g. 0.5 for half' })
      .gt(0, 'a fraction above 0 and at most 1, e.g. 0.5 for half (1 never stops by rate)')
      .max(
        1,
        'a fraction above 0 and at most 1, e.g. 0.5 for half (1 never stops by rate); for a count, use maxErrors',
      ),
    /** The rate counts only once this many records were read (default 1000). */
    minRecords: z
      .number({ error: 'a whole number of records, e.g. 1000' })
      .int('a whole number of records, e.g. 1000')
      .min(1, 'at least 1, e.g. 1000'),
  })
  .partial();

export const flowSchema = z.strictObject({
  description: z.string().optional(),
  schedule: z.string().optional(),
  timezone: z.string().optional(),
  /** A scheduled tick while a run of the flow is still active: skip it (recorded as a skipped run) or queue one run after it. */
  overlap: z.enum(['skip', 'queue']).optional(),
  /** Record fields holding personal data (`customer.email`, `lines.*.phone`): masked wherever records are shown. */
  pii: z.array(nonEmpty).optional(),
  retry: retrySchema.nullish(),
  /** Error notifications for this flow (replaces the file's `notify:`). */
  notify: z.unknown().nullish(),
  /** `syncline serve` retries this flow's transiently failed error records on this schedule (default every 15m, 5 attempts). */
  autoRetry: z
    .strictObject({
      enabled: z.boolean().optional(),
      every: durationSchema.optional(),
      maxAttempts: z.number().int().min(1).max(100).optional(),
    })
    .nullish(),
  /** Stop a run whose records nearly all fail (default: more than 90% of at least 1000 records read). */
  errorThreshold: errorThresholdSchema.nullish(),
  /** Pages whose destination writes may run at once (default 1); checkpoints still commit in page order. */
  concurrency: z.strictObject({ pages: z.number().int().min(1).max(32) }).nullish(),
  /** Limits on time: the whole run, waiting for the source's next page, one destination write call. */
  timeouts: z
    .strictObject({ run: durationSchema.optional(), read: durationSchema.optional(), write: durationSchema.optional() })
    .nullish(),
  source: z.record(z.string(), z.unknown()).nullish(),
  /** Pipelines: the flows that run after this one, reading its records (`source: { flow: <this> }`). */
  next: z.union([nonEmpty, z.array(nonEmpty).min(1)]).nullish(),
  steps: z.array(z.unknown()).nullish(),
  destinations: z.array(z.unknown()).nullish(),
});

/** Delta sync: read only what changed since the watermark (the highest cursor value handled). */
export const deltaSchema = z.strictObject({
  /** The record field holding the change timestamp or a growing number (`updated_at`, `version`). */
  field: nonEmpty,
  /** Re-read this much before the watermark on every run, against clock skew (e.g. 5m; a number for number cursors). */
  overlap: durationSchema.optional(),
  /** Time zone of cursor values written without an offset (default UTC); they are normalised to UTC. */
  timezone: nonEmpty.optional(),
  /** Format of the cursor values when they are not ISO 8601 (`dd.MM.yyyy HH:mm`, `millis`, `seconds`). */
  format: nonEmpty.optional(),
  /** The first run reads from this date (default: everything). */
  since: nonEmpty.optional(),
  /** Cron: a full sync (watermark ignored) on the first run after each tick, e.g. "0 3 * * 0". */
  fullSync: nonEmpty.optional(),
  /** A record without the cursor field: an error record (default) or passed on without moving the watermark. */
  onMissing: z.enum(['error', 'pass']).optional(),
});

/** Export mode `once`: read the records whose flag is not set, and set it once the page is delivered. */
export const onceSchema = z.strictObject({ field: nonEmpty });

export const sourceWrapper = z.looseObject({
  connection: nonEmpty,
  type: nonEmpty,
  delta: deltaSchema.optional(),
  once: onceSchema.optional(),
});
export const SOURCE_KEYS = ['connection', 'type', 'delta', 'once'] as const;

/** A pipeline stage's source: the records the named flow handed on (its `next:` names this flow). */
export const stageSourceSchema = z.strictObject({
  flow: nonEmpty,
  /** Records per page (default 1000). */
  pageSize: z.number().int().min(1).max(100_000).default(1000),
});

/** The reserved source type of pipeline stages. */
export const STAGE_SOURCE_TYPE = 'flow';

export const batchSchema = z.strictObject({
  size: z.number().int().positive().max(1_000_000).default(DEFAULT_BATCH_SIZE),
  /** Write the batches of a page concurrently (the destination must accept any order). */
  parallel: z.boolean().default(false),
  /** How many batches at once when `parallel` (default 4). */
  maxParallel: z.number().int().min(1).max(64).default(4),
});

export const destinationWrapper = z.looseObject({
  connection: nonEmpty,
  type: nonEmpty,
  name: nonEmpty.optional(),
  batch: batchSchema.nullish(),
  retry: retrySchema.nullish(),
  /** When the destination is down: keep its records as error records (`isolate`) or pause the run (`pause`). */
  onOutage: z.enum(['isolate', 'pause']).nullish(),
});
export const DESTINATION_KEYS = ['connection', 'type', 'name', 'batch', 'retry', 'onOutage'] as const;

export const stepName = nonEmpty;
