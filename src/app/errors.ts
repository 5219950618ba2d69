import type { ProjectDefinition } from '../config/definition.js';
import type { Engine, RetryOutcome } from '../engine/index.js';
import { type Clock, FlowError, type JsonObject } from '../sdk/index.js';
import type { ErrorFilter, ErrorHistoryRow, ErrorRecordRow, RunRow, StateStore } from '../store/state-store.js';
import { maskErrorHistory, maskErrorRecord, type PiiPaths } from './error-masking.js';
import type { Projects } from './projects.js';
import { retryRecords } from './retry-records.js';
import type { RunService } from './runs.js';
import { syncMask } from './sync-masking.js';
import { retrySyncRecords } from './sync-retry.js';

/** The error records to act on: these ids, or every open record matching a filter (oldest first). */
export type ErrorTarget = { readonly ids: readonly number[] } | { readonly all: ErrorFilter };

/** How records are shown: masked by the `pii` fields of their flow (the run's own file, or `file`). */
export interface ErrorView {
  /** Mask personal data (default true). */
  readonly mask?: boolean;
  /** The flow file whose `pii` fields to mask (default: the file the record's run used). */
  readonly file?: string | undefined;
}

/** What a retry did, in order, as it happens. */
export type RetryEvent =
  /** The records about to be retried (none: nothing matched). */
  | { readonly type: 'selected'; readonly ids: readonly number[] }
  | { readonly type: 'retried'; readonly id: number; readonly outcome: RetryOutcome }
  /** A record that could not be retried (resolved, not retryable, its flow gone); the others go on. */
  | { readonly type: 'not-retried'; readonly id: number; readonly error: FlowError }
  | {
      readonly type: 'records-done';
      readonly delivered: number;
      readonly failed: number;
      readonly skipped: number;
    }
  /** A pipeline stage the delivered records were handed on to is run now, with the stages after it. */
  | { readonly type: 'stage-started'; readonly flow: string; readonly file: string }
  | { readonly type: 'stage-ended'; readonly flow: string; readonly runs: readonly RunRow[] }
  /**
   * That stage cannot run now — it is running already (`syncline serve`), or the app runs another
   * flow file's flows (one project per app) —: the records wait in its input for its next run.
   */
  | { readonly type: 'stage-busy'; readonly flow: string; readonly file: string; readonly error: FlowError }
  /** A sync whose failed changes were un-parked is run now, to write them again. */
  | { readonly type: 'sync-started'; readonly sync: string; readonly file: string; readonly records: number }
  | { readonly type: 'sync-ended'; readonly sync: string; readonly runs: readonly RunRow[] }
  /** That sync is running already: its changes stay staged and that run (or the next) writes them. */
  | { readonly type: 'sync-busy'; readonly sync: string; readonly file: string; readonly error: FlowError };

export type ResolveEvent =
  | { readonly type: 'selected'; readonly ids: readonly number[] }
  | { readonly type: 'resolved'; readonly id: number };

export interface Errors {
  /** Error records matching the filter, newest first, with how many match in all. */
  list(
    filter: ErrorFilter & { readonly limit: number },
    view?: ErrorView,
  ): Promise<{ records: ErrorRecordRow[]; total: number }>;
  /** One error record with its history; `masked`: the pii paths masked ('all': the flow is unknown). */
  show(id: number, view?: ErrorView): Promise<{ record: ErrorRecordRow; history: ErrorHistoryRow[]; masked: PiiPaths }>;
  /** The ids a target names (with `all`: open records only, oldest first). */
  select(target: ErrorTarget): Promise<number[]>;
  /**
   * Re-processes error records from the stage where they failed, then runs the pipeline stages the
   * delivered records were handed on to. With one record, a failure to retry it is thrown; with
   * several, a record that cannot be retried (a config error) is reported and the others go on.
   */
  retry(
    target: ErrorTarget,
    options?: { readonly file?: string | undefined; readonly payload?: JsonObject | undefined },
  ): AsyncGenerator<RetryEvent>;
  /** Marks open error records resolved without retrying them (the note kept in their history). */
  resolve(target: ErrorTarget, note?: string): AsyncGenerator<ResolveEvent>;
  /** Retention: removes retried and resolved records older than `olderThanMs`; open ones stay. */
  purge(olderThanMs: number): Promise<number>;
}

export interface ErrorsDeps {
  readonly store: StateStore;
  readonly projects: Projects;
  readonly clock: Clock;
  readonly engine: () => Engine;
  /** The runs service of a loaded project: the stages retried records were handed on to are requested there. */
  readonly runs: (project: ProjectDefinition) => Pick<RunService, 'requestAndWait'>;
}

const notFound = (id: number) => new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);

export function createErrors(deps: ErrorsDeps): Errors {
  const { store, projects } = deps;

  /** The file a record's flow is read from: `file`, else the one its run used. */
  const fileOf = async (e: ErrorRecordRow, file?: string) => file ?? (await store.getRun(e.runId))?.flowFile;

  /**
   * The `pii` paths of an error record's flow, read from the flow file its run used (or `file`);
   * 'all' when that file cannot be read: then everything is masked rather than anything shown.
   */
  const piiResolver = (file?: string) => {
    const loaded = new Map<string, Promise<ProjectDefinition | undefined>>();
    return async (e: ErrorRecordRow): Promise<PiiPaths> => {
      const path = await fileOf(e, file);
      if (!path) return 'all';
      let project = loaded.get(path);
      if (!project) {
        project = projects.load(path).catch(() => undefined);
        loaded.set(path, project);
      }
      const loadedProject = await project;
      const flow = loadedProject?.flows[e.flow];
      if (flow) return flow.pii ?? [];
      // a sync's record: its payload is in one side's names, masked under each side's name for a pii field
      const sync = loadedProject?.syncs?.[e.flow];
      if (!sync) return 'all';
      const { a, b } = syncMask(sync).paths;
      return [...new Set([...(a === 'all' ? [] : a), ...(b === 'all' ? [] : b)])];
    };
  };

  const select = async (target: ErrorTarget): Promise<number[]> => {
    if ('ids' in target) return [...target.ids];
    const rows = await store.listErrors({ ...target.all, status: 'open' });
    return rows.map((r) => r.id).reverse();
  };

  return {
    async list(filter, view = {}) {
      const [rows, total] = await Promise.all([
        store.listErrors(filter),
        store.countErrors({ ...filter, limit: undefined }),
      ]);
      if (view.mask === false) return { records: rows, total };
      const pii = piiResolver(view.file);
      return { records: await Promise.all(rows.map(async (e) => maskErrorRecord(e, await pii(e)))), total };
    },

    async show(id, view = {}) {
      const found = await store.getError(id);
      if (!found) throw notFound(id);
      const masked = view.mask === false ? [] : await piiResolver(view.file)(found);
      return {
        record: maskErrorRecord(found, masked),
        history: maskErrorHistory(found, await store.errorHistory(id), masked),
        masked,
      };
    },

    select,

    async *retry(target, options = {}) {
      const ids = await select(target);
      yield { type: 'selected', ids };
      if (ids.length === 0) return;
      const single = ids.length === 1;
      /** One record that cannot be retried does not stop the others (unless it is the only one). */
      const skip = (error: unknown): FlowError => {
        if (single || !(error instanceof FlowError) || error.kind !== 'config') throw error;
        return error;
      };
      // each record's flow file, in order: consecutive records of one file are retried as one batch
      const batches: ({ file: string; ids: number[] } | { id: number; error: FlowError })[] = [];
      for (const id of ids) {
        try {
          const err = await store.getError(id);
          if (!err) throw notFound(id);
          const file = await fileOf(err, options.file);
          if (!file)
            throw new FlowError('FILE_NOT_FOUND', `the flow file of error record ${id} is unknown`, {
              hint: 'pass it with --file <flow.yaml>',
            });
          const last = batches.at(-1);
          if (last && 'file' in last && last.file === file) last.ids.push(id);
          else batches.push({ file, ids: [id] });
        } catch (error) {
          batches.push({ id, error: skip(error) });
        }
      }
      const engine = deps.engine();
      let delivered = 0;
      let failed = 0;
      let skipped = 0;
      const loaded = new Map<string, Promise<ProjectDefinition>>();
      /** Pipeline stages that were handed records, per flow file: run once each, after every retry. */
      const stages = new Map<string, { project: ProjectDefinition; flows: Set<string> }>();
      for (const batch of batches) {
        if ('error' in batch) {
          skipped += 1;
          yield { type: 'not-retried', id: batch.id, error: batch.error };
          continue;
        }
        let project: ProjectDefinition;
        try {
          let loading = loaded.get(batch.file);
          if (!loading) {
            loading = projects.load(batch.file);
            loaded.set(batch.file, loading);
          }
          project = await loading;
        } catch (error) {
          const reason = skip(error);
          for (const id of batch.ids) {
            skipped += 1;
            yield { type: 'not-retried', id, error: reason };
          }
          continue;
        }
        // a sync's records are retried by un-parking their changes and running the sync (sync-retry.ts)
        const { flowIds, syncs } = await splitSyncRecords(store, project, batch.ids);
        for (const [sync, records] of syncs) {
          if (options.payload) {
            const error = new FlowError('CONFIG_INVALID', `a sync's change cannot be retried with an edited payload`, {
              hint: `sync ${sync} writes the change as its side last read it: edit the record on that side instead`,
            });
            for (const r of records) {
              skip(error);
              skipped += 1;
              yield { type: 'not-retried', id: r.id, error };
            }
            continue;
          }
          for await (const event of retrySyncRecords(
            { store, clock: deps.clock, runs: deps.runs },
            project,
            sync,
            records,
          )) {
            if (event.type === 'retried') {
              if (event.outcome.ok) delivered += 1;
              else failed += 1;
            } else if (event.type === 'not-retried') {
              skip(event.error);
              skipped += 1;
            }
            yield event;
          }
        }
        for await (const done of retryRecords(
          engine,
          project,
          flowIds,
          options.payload ? { payload: options.payload } : {},
        )) {
          if ('error' in done) {
            skipped += 1;
            yield { type: 'not-retried', id: done.id, error: skip(done.error) };
            continue;
          }
          const { outcome } = done;
          if (outcome.ok) delivered += 1;
          else failed += 1;
          if (outcome.handedOn.length > 0) {
            const entry = stages.get(batch.file) ?? { project, flows: new Set<string>() };
            for (const flow of outcome.handedOn) entry.flows.add(flow);
            stages.set(batch.file, entry);
          }
          yield { type: 'retried', id: done.id, outcome };
        }
      }
      yield { type: 'records-done', delivered, failed, skipped };
      for (const [file, { project, flows }] of stages)
        for (const flow of flows) {
          yield { type: 'stage-started', flow, file };
          let service: Pick<RunService, 'requestAndWait'>;
          try {
            service = deps.runs(project);
          } catch (error) {
            // the app runs another file's flows (one project per app): this stage waits for its own
            if (!(error instanceof FlowError)) throw error;
            yield { type: 'stage-busy', flow, file, error };
            continue;
          }
          try {
            // a `retry` request of the project's runs service: the worker runs it and the `next:` stages after it
            const runs = await service.requestAndWait({ flow, trigger: 'retry' });
            yield { type: 'stage-ended', flow, runs };
          } catch (error) {
            if (!(error instanceof FlowError) || error.code !== 'RUN_ALREADY_ACTIVE') throw error;
            yield { type: 'stage-busy', flow, file, error };
          }
        }
    },

    async *resolve(target, note) {
      const ids = await select(target);
      yield { type: 'selected', ids };
      for (const id of ids) {
        // through the engine: it publishes error.resolved
        await deps.engine().resolveError(id, note === undefined ? {} : { note });
        yield { type: 'resolved', id };
      }
    },

    purge: (olderThanMs) => store.purgeErrors(new Date(deps.clock.now().getTime() - olderThanMs)),
  };
}

/** The ids of a batch split: records of the project's flows, and records of its syncs by sync. */
async function splitSyncRecords(
  store: StateStore,
  project: ProjectDefinition,
  ids: readonly number[],
): Promise<{ flowIds: number[]; syncs: Map<string, ErrorRecordRow[]> }> {
  const flowIds: number[] = [];
  const syncs = new Map<string, ErrorRecordRow[]>();
  if (!project.syncs) return { flowIds: [...ids], syncs };
  for (const id of ids) {
    const e = await store.getError(id);
    if (!e || project.syncs[e.flow] === undefined) flowIds.push(id);
    else syncs.set(e.flow, [...(syncs.get(e.flow) ?? []), e]);
  }
  return { flowIds, syncs };
}
