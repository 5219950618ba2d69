import type { Json, JsonObject, Redactor } from '../sdk/index.js';

/**
 * The validated form of a flow file: what `loadProject` returns and the engine runs.
 * Component configs are already parsed by their zod schemas (defaults applied).
 * Every `where` is `file:line:col` of the YAML node it came from, for error messages.
 */
/** Retry settings as written at one level (flow, connection, destination); unset keys fall through. */
export interface RetrySettings {
  readonly maxAttempts?: number;
  readonly backoff?: 'fixed' | 'exponential';
  /** Durations as written (`1s`, `500ms`, or ms); read with parseDuration. */
  readonly base?: string | number;
  readonly max?: string | number;
  readonly jitter?: boolean;
}

/** A connection's circuit breaker as written; unset keys take the defaults. */
export interface BreakerSettings {
  readonly enabled?: boolean;
  readonly failures?: number;
  readonly ratio?: number;
  readonly window?: string | number;
  readonly minCalls?: number;
  readonly openFor?: string | number;
  readonly halfOpenRequests?: number;
  readonly maxWait?: string | number;
}

export interface ConnectionDefinition {
  readonly name: string;
  /** Connector name, e.g. `sqlite`. */
  readonly type: string;
  readonly config: unknown;
  readonly retry?: RetrySettings;
  readonly breaker?: BreakerSettings;
  /** Bulkhead: at most this many calls at once (destination writes), across every flow of the process. */
  readonly maxConcurrent?: number;
  readonly where: string;
}

/** `delta:` of a source, as written (validated). */
export interface DeltaSettings {
  readonly field: string;
  readonly overlap?: string | number;
  readonly timezone?: string;
  readonly format?: string;
  readonly since?: string;
  readonly fullSync?: string;
  readonly onMissing?: 'error' | 'pass';
}

export interface SourceDefinition {
  readonly connection: string;
  /** Full type, e.g. `file.csv`. */
  readonly type: string;
  readonly config: unknown;
  /** Delta sync on a cursor field. */
  readonly delta?: DeltaSettings;
  /** Export mode `once`: the flag field set on delivered records. */
  readonly once?: { readonly field: string };
  /** Pipeline stage: the flow whose handed-on records this source reads (type `flow`, no connection). */
  readonly upstream?: string;
  readonly where: string;
  /** `file:line:col` of the source's keys by path (`path`, `columns.amount`), for validate's problems. */
  readonly fieldWhere?: FieldWhere;
}

/**
 * `file:line:col` of a field of a source's or step's settings by field path (`email.transform`,
 * `all[2].op`, up to three levels deep); worked out on the first question only (validate asks when
 * it has a problem to place), so a file of 10,000 flows does not locate every field of every step.
 */
export type FieldWhere = (field: string) => string | undefined;

export interface StepDefinition {
  /** Unique within the flow: the user's `name`, else `<type>` (or `<type>#<n>` when repeated). */
  readonly name: string;
  /** Step type, e.g. `map`, `filter`. */
  readonly type: string;
  readonly config: unknown;
  readonly where: string;
  /** `file:line:col` of the settings' fields by field path (`email.transform`), for compile errors. */
  readonly fieldWhere?: FieldWhere;
}

export interface BatchOptions {
  /** Records per write call. */
  readonly size: number;
  /** Write a page's batches concurrently, at most `maxParallel` at once. */
  readonly parallel?: boolean;
  readonly maxParallel?: number;
}

export interface DestinationDefinition {
  /** Unique within the flow: the user's `name`, else the connection name (or `<connection>#<n>`). */
  readonly name: string;
  readonly connection: string;
  readonly type: string;
  readonly config: unknown;
  readonly batch: BatchOptions;
  readonly retry?: RetrySettings;
  /** Hub-and-spoke: when this destination is down, `isolate` its records as error records or `pause` the run. */
  readonly onOutage?: 'isolate' | 'pause';
  readonly where: string;
}

export interface FlowDefinition {
  readonly name: string;
  readonly description?: string;
  /** Cron expression (validated). */
  readonly schedule?: string;
  readonly timezone?: string;
  /** A tick while the flow still runs: `skip` (default; recorded as a skipped run) or `queue` (one run after it). */
  readonly overlap?: 'skip' | 'queue';
  /** Paths of record fields holding personal data, masked wherever records are shown. */
  readonly pii?: readonly string[];
  readonly retry?: RetrySettings;
  /** Durations as written: the whole run (default none), the source's next page (10m), one write call (5m). */
  readonly timeouts?: {
    readonly run?: string | number;
    readonly read?: string | number;
    readonly write?: string | number;
  };
  /** Pages whose destination writes may run at once (default 1); checkpoints still commit in page order. */
  readonly concurrency?: { readonly pages: number };
  /** Stop a run whose records nearly all fail (defaults: maxErrorRate 0.9 after minRecords 1000). */
  readonly errorThreshold?: {
    readonly maxErrors?: number;
    readonly maxErrorRate?: number;
    readonly minRecords?: number;
  };
  /** Automatic retry of transiently failed error records by `syncline serve`. */
  readonly autoRetry?: { readonly enabled?: boolean; readonly every?: string | number; readonly maxAttempts?: number };
  /** The validated `notify:` block (error notifications), replacing the file's. */
  readonly notify?: unknown;
  readonly source: SourceDefinition;
  /** Pipelines: flows run after this one completes, reading the records it handed on. */
  readonly next?: readonly string[];
  readonly steps: readonly StepDefinition[];
  readonly destinations: readonly DestinationDefinition[];
  readonly where: string;
}

/** One side of a sync. */
export type SyncSideName = 'a' | 'b';
/** Which way a sync field's changes go. */
export type SyncDirection = 'both' | 'a-to-b' | 'b-to-a';
/** Who decides a field both sides changed: the newer change (within `skew`: a person), side a, side b, or a person. */
export type ConflictPolicy = 'newest' | 'a' | 'b' | 'manual';
/** What a record deleted on one side does to its pair on the other. */
export type DeletePolicy = 'ignore' | 'flag' | 'propagate' | 'review';

/** One side of a sync (`syncs.<name>.a` / `.b`), validated. */
export interface SyncSideDefinition {
  readonly side: SyncSideName;
  /** Shown in counters and messages: the user's `name`, else the connection's name. */
  readonly label: string;
  readonly connection: string;
  /** How the side's changes are read: a source of the connection's connector (full type, parsed config). */
  readonly source: { readonly type: string; readonly config: unknown; readonly where: string };
  /** How records are written to this side: a destination with `keyedWrites` (full type, parsed config). */
  readonly destination: { readonly type: string; readonly config: unknown; readonly where: string };
  /** The field that identifies a record on this side (its id, primary key). */
  readonly key: string;
  /** The change cursor (e.g. `updated_at`), read with the delta machinery; absent only when `deletes.reconcile` is set. */
  readonly cursor?: string;
  /** Re-read this far below the watermark (commit-order skew); default 0. As written (`5m`, ms). */
  readonly overlap?: string | number;
  /** Soft delete: the record is deleted when `field` is set (not null, not false, not 0, not ''), or equals `value` when given. */
  readonly deleted?: { readonly field: string; readonly value?: Json };
  /** Write the cursor field (the run's clock, ISO text) with every create and update on this side. */
  readonly stampCursor: boolean;
  readonly where: string;
}

/** One corresponding field (`syncs.<name>.fields.<field>`), validated. */
export interface SyncFieldDefinition {
  /** The key under `fields:`: how links, conflicts and messages name it. */
  readonly name: string;
  /** The field's name on side a and on side b (default: `name`). */
  readonly a: string;
  readonly b: string;
  readonly direction: SyncDirection;
  /**
   * How side b's value is computed from side a's record: a map-step field spec (`transform`, `values`,
   * `template`, `compute`, `default`; `from` defaults to `a`). Absent: the value as is. Present only
   * when the direction includes a→b. `toA` likewise.
   */
  readonly toB?: JsonObject;
  readonly toA?: JsonObject;
  /** This field's conflict policy (default: the sync's). */
  readonly conflict?: ConflictPolicy;
  readonly where: string;
  /**
   * `file:line:col` of the field's settings by path (`toB`, `toB.transform`, `toA.values`), for the
   * errors `syncline validate` finds compiling `toA` / `toB`.
   */
  readonly fieldWhere?: FieldWhere;
}

/** A bi-directional sync (`syncs.<name>`), validated: docs/sync.md. */
export interface SyncDefinition {
  readonly name: string;
  readonly description?: string;
  /** Cron expression (validated). */
  readonly schedule?: string;
  readonly timezone?: string;
  readonly overlap?: 'skip' | 'queue';
  readonly a: SyncSideDefinition;
  readonly b: SyncSideDefinition;
  readonly fields: readonly SyncFieldDefinition[];
  /**
   * First-run pairing: records whose normalised values of these sync fields are equal are linked
   * (each field compared in side a's terms after `normalize`). Absent: no pairing, every unlinked
   * record is created on the other side. More than `maxAmbiguous` ambiguous records fail the run
   * before anything is written (SYNC_MATCH_NOT_UNIQUE); fewer go to the conflict queue.
   */
  readonly match?: {
    readonly fields: readonly string[];
    readonly normalize: readonly ('trim' | 'lowercase')[];
    readonly maxAmbiguous: number;
  };
  readonly conflicts: {
    readonly policy: ConflictPolicy;
    /** `newest`: changes closer together than this (ms) are a conflict for review, not decided by the clocks. */
    readonly skewMs: number;
  };
  readonly deletes: {
    readonly policy: DeletePolicy;
    /** `flag`: the field set (to `value`, default true) on the other side; per side it is written on. */
    readonly flag?: { readonly a?: { field: string; value: Json }; readonly b?: { field: string; value: Json } };
    /** Reconcile pass (full read of both sides compared with the links): `true` every run, or a cron. */
    readonly reconcile?: boolean | string;
  };
  /** Records per read page and per write call (default 500). */
  readonly batchSize: number;
  /** A staged change whose write failed this many runs in a row is parked until `errors retry` (default 5). */
  readonly maxAttempts: number;
  readonly retry?: RetrySettings;
  readonly timeouts?: FlowDefinition['timeouts'];
  readonly pii?: readonly string[];
  readonly notify?: unknown;
  readonly where: string;
}

export interface ProjectDefinition {
  /** Absolute path of the flow file. */
  readonly file: string;
  /** Folder of the flow file: relative paths resolve against it. */
  readonly baseDir: string;
  readonly connections: Readonly<Record<string, ConnectionDefinition>>;
  readonly flows: Readonly<Record<string, FlowDefinition>>;
  /** Bi-directional syncs (`syncs:`); a sync's name is unique among flows and syncs. */
  readonly syncs?: Readonly<Record<string, SyncDefinition>>;
  /** The validated top-level `notify:` block: error notifications for every flow without its own. */
  readonly notify?: unknown;
  /**
   * Masks the file's resolved `${secret:…}` / `${env:…}` values (and every known secret) in text that
   * is logged, printed, stored or sent; built once, by `parseProject`. Absent: nothing to mask.
   */
  readonly redactor?: Redactor;
}
