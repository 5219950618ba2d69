import {
  type Context,
  type DataRecord,
  defineStep,
  type Failed,
  FlowError,
  type Processor,
  type ProcessResult,
  parseDuration,
  type StateEntry,
  type StateWrite,
  type StoredState,
  toFlowError,
} from '../sdk/index.js';
import { type DedupeConfig, dedupeConfigSchema } from './dedupe-config.js';
import { compileDedupeKey } from './dedupe-key.js';
import { RunKeys } from './dedupe-memory.js';

/** A dedupe step's processor: also tells how many keys it holds in memory. */
export interface DedupeProcessor extends Processor {
  process(records: readonly DataRecord[], ctx: Context): Promise<ProcessResult>;
  /** Keys held in memory now (all of the run's without a window; the uncommitted pages' with one). */
  readonly remembered: number;
}

/**
 * `dedupe:` — drops a record whose key passed earlier in the run, or, with `window`, in the last
 * `window` (earlier runs included). The first record of a key goes on; repeats are dropped (counted
 * as skipped, and as `duplicates` in the step's stats). A record lacking a key field fails with
 * RECORD_MISSING_FIELD.
 *
 * With a window and the state store (runs the engine starts), each page asks the store once for its
 * keys, and the keys it lets through are returned as `commit`: the engine stores them in the same
 * transaction as the page's checkpoint, so a crash before that commit forgets them (the retried
 * page passes again) and a crash after it keeps them. The namespace is `dedupe:<flow>:<key paths>`.
 * Expired keys are purged once per run, before the first page. Without the store (preview, error
 * retry) or without a window, repeats are dropped within the run only.
 */
export const dedupeStep = defineStep<DedupeConfig>({
  type: 'dedupe',
  description:
    'Drops repeats by key: within the run, and with `window` across runs (keys committed with the checkpoint).',
  config: dedupeConfigSchema,
  create({ config, where }, ctx): DedupeProcessor {
    const key = compileDedupeKey(config.key, where);
    const windowMs = config.window === undefined ? undefined : (parseDuration(config.window) as number);
    const namespace = `dedupe:${ctx.flow}:${key.name}`;
    const since = ctx.clock.now();
    let memory: RunKeys | undefined;
    let purged = false;

    return {
      get remembered() {
        return memory?.size ?? 0;
      },
      async process(records, run): Promise<ProcessResult> {
        const state = windowMs === undefined ? undefined : run.state;
        memory ??= new RunKeys(state !== undefined);
        const seen = memory;
        const keys: (string | undefined)[] = new Array(records.length);
        const failed: Failed[] = [];
        records.forEach((record, i) => {
          try {
            keys[i] = key.of(record);
          } catch (error) {
            failed.push({ record, error: error instanceof FlowError ? error : toFlowError(error, where) });
          }
        });

        let stored: ReadonlyMap<string, StoredState> = new Map();
        if (state !== undefined && windowMs !== undefined) {
          if (!purged) {
            purged = true;
            const expired = await state.clear(namespace, new Date(run.clock.now().getTime() - windowMs + 1));
            if (expired > 0) run.log.debug({ namespace, expired }, 'dedupe: purged expired keys');
          }
          // every key of the page (also those in memory: the answer may let memory forget their page)
          const asked = new Set<string>(seen.probes());
          for (const k of keys) if (k !== undefined) asked.add(k);
          if (asked.size > 0) stored = await state.get(namespace, [...asked]);
          seen.forgetCommitted(stored, since);
        }

        const now = run.clock.now().getTime();
        const out: DataRecord[] = [];
        const entries: StateEntry[] = [];
        let duplicates = 0;
        let storeHits = 0;
        for (let i = 0; i < records.length; i++) {
          const k = keys[i];
          if (k === undefined) continue;
          if (seen.has(k)) {
            duplicates += 1;
            continue;
          }
          const s = stored.get(k);
          if (s !== undefined && windowMs !== undefined && now - s.at.getTime() < windowMs) {
            duplicates += 1;
            storeHits += 1;
            continue;
          }
          const record = records[i] as DataRecord;
          seen.pass(k, record.meta.id);
          out.push(record);
          if (state !== undefined) entries.push({ key: k, value: record.meta.id });
        }
        seen.endPage();

        const commit: StateWrite[] = entries.length > 0 ? [{ namespace, entries }] : [];
        const stats: Record<string, number> = { duplicates };
        if (state !== undefined) stats.storeHits = storeHits;
        return {
          records: out,
          failed,
          stats,
          ...(commit.length > 0 ? { commit } : {}),
        };
      },
    };
  },
});
