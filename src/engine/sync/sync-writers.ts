import type { SyncSideDefinition } from '../../config/definition.js';
import { type Context, FlowError, type JsonObject, type KeyedOperation } from '../../sdk/index.js';
import { writeDestination } from '../write-destination.js';
import type { OpenSide } from './sync-side.js';

/** One record to write to a side by key; `ref` names it within the call (a staged change's or link's key). */
export interface KeyedWrite {
  readonly ref: string;
  readonly data: JsonObject;
}

/** What became of a call's records: the refused ones (by ref) and the keys the side returned (by ref). */
export interface KeyedOutcome {
  readonly failed: Map<string, FlowError>;
  readonly ids: Map<string, string>;
  /** Records written (not refused). */
  readonly written: number;
}

const none = (): KeyedOutcome => ({ failed: new Map(), ids: new Map(), written: 0 });

/** The side's writer of an operation, or a config error saying the side's destination lacks it. */
function writerOf(side: OpenSide, op: KeyedOperation) {
  const writer = side.writers[op];
  if (writer) return writer;
  throw new FlowError(
    'CONFIG_SYNC_NO_KEYED_WRITES',
    `side ${side.def.side} (${side.def.label}): destination ${side.def.destination.type} cannot ${op} records by key`,
    {
      where: side.def.destination.where,
      hint: `Use a destination for this side that offers keyed ${op}s, or a delete policy that does not need them.`,
    },
  );
}

/**
 * Writes records to a side with one keyed operation, in batches of the sync's `batchSize`, through the
 * destination's retry policy, circuit breaker and write timeout (write-destination.ts): a record the
 * side refuses is reported by its ref, a whole-batch failure that is not a record's throws (the run
 * stops; the changes stay staged).
 */
export async function writeKeyed(
  side: OpenSide,
  op: KeyedOperation,
  writes: readonly KeyedWrite[],
  ctx: Context,
): Promise<KeyedOutcome> {
  if (writes.length === 0) return none();
  const dest = writerOf(side, op);
  const records = writes.map((w) => ({ data: w.data, meta: { id: w.ref } }));
  const result = await writeDestination(dest, records, ctx);
  const failed = new Map<string, FlowError>();
  for (const f of result.failures) failed.set(f.record.meta.id, f.error);
  const ids = new Map<string, string>();
  for (const r of result.ids) ids.set(r.recordId, r.id);
  return { failed, ids, written: writes.length - failed.size };
}

/** The value written to a side's cursor with each create and update when `stampCursor` is set (the run's clock). */
export function stamp(side: SyncSideDefinition, now: Date): JsonObject {
  return side.stampCursor && side.cursor ? { [side.cursor]: now.toISOString() } : {};
}
