import type { JsonObject, KeyedOperation } from '../../sdk/index.js';
import type { SyncSideCounts } from '../../store/state-store.js';
import type { LinkPatch, NewConflict, NewLink, StagedChange, SyncBatchCommit } from '../../store/sync-store.js';
import type { Side } from './sync-plan-types.js';

/** One write a unit asks of a side, and how it counts when it succeeds. */
export interface UnitWrite {
  readonly side: Side;
  readonly op: KeyedOperation;
  readonly data: JsonObject;
  readonly counts: keyof Pick<SyncSideCounts, 'created' | 'updated' | 'deleted'>;
  /** The staged change the write carries over (its failure stays staged, attempts + 1). */
  readonly from: StagedChange | undefined;
}

/** The parts of one batch's commit, filled by the units as they settle. */
export interface CommitParts {
  updateLinks: LinkPatch[];
  deleteLinks: number[];
  consumed: { side: Side; rid: string }[];
  failed: { side: Side; rid: string; error: string; park: boolean }[];
  openConflicts: NewConflict[];
  closeConflicts: { id: number; status: 'applied' | 'cleared' }[];
  errors: NonNullable<SyncBatchCommit['errors']>[number][];
  insertLinks: NewLink[];
}

export function emptyParts(): CommitParts {
  return {
    updateLinks: [],
    deleteLinks: [],
    consumed: [],
    failed: [],
    openConflicts: [],
    closeConflicts: [],
    errors: [],
    insertLinks: [],
  };
}

/** What a unit learns once its writes are done. */
export interface Settled {
  /** The id of the link inserted for it before the writes (`before`). */
  readonly linkId: number | undefined;
  /** The key each `insert` write got on its side, by the write's index in `writes`. */
  readonly created: ReadonlyMap<number, string>;
  readonly parts: CommitParts;
  readonly now: Date;
}

/**
 * One pair's (or record's) share of an applied batch: the writes it needs, the link committed before
 * them (a create's intent; a newly matched pair), and what it commits once every write succeeded.
 * When a write fails the unit does not settle: its link stays as it was (`unsettled` may undo the
 * `before` link), its change stays staged with one more attempt.
 */
export interface SyncUnit {
  readonly writes: readonly UnitWrite[];
  readonly before?: NewLink;
  settle(s: Settled): void;
  /** A write failed (refused, or a create whose key is unknown): `created` false when nothing was created. */
  unsettled?(s: { linkId: number | undefined; created: boolean; parts: CommitParts }): void;
}
