import type { DataRecord, Json, StateWrite } from '../sdk/index.js';
import type { ReturnedId } from '../store/state-store.js';

/**
 * What a page (or a retried batch) keeps besides its records, its error records and its counts, all
 * in the one transaction of its commit. An open list: a new kind (bi-directional sync's `links`, say:
 * the ids of `WriteResult.ids` paired with the source's keys) is one more member here, one more
 * line where a commit is built (`pageCommitItems` in page-handler.ts for runs, retry-commit.ts for retries).
 */
export type CommitItem =
  /** The steps' state writes (a dedupe window's keys, shared lookup caches). */
  | { readonly kind: 'state'; readonly writes: readonly StateWrite[] }
  /** Pipelines: records handed on to the next flows (`next:`), into their inboxes. */
  | { readonly kind: 'handoff'; readonly flows: readonly string[]; readonly records: readonly DataRecord[] }
  /** Delta sync: the state of the flow's watermark for its source. */
  | { readonly kind: 'watermark'; readonly source: string; readonly value: Json }
  /** Export mode `once`: source records delivered, to be marked exported at the source once committed. */
  | { readonly kind: 'once-mark'; readonly records: readonly DataRecord[] }
  /** The ids the destinations returned for written records (WriteResult.ids). */
  | { readonly kind: 'ids'; readonly ids: readonly ReturnedId[] };

export type CommitKind = CommitItem['kind'];

/**
 * Whether an item may only be kept together with a checkpoint. While a buffering step holds records a
 * page commits no checkpoint, and these items wait (are held) for the page that commits one: a crash
 * before it reads those pages again, and nothing of them was kept. The others commit with their page.
 */
export function waitsForCheckpoint(item: CommitItem): boolean {
  switch (item.kind) {
    case 'state':
    case 'handoff':
    case 'once-mark':
      return true;
    case 'watermark':
    case 'ids':
      return false;
  }
}

/** The items of one kind, in order. */
export function itemsOf<K extends CommitKind>(
  items: readonly CommitItem[],
  kind: K,
): Extract<CommitItem, { kind: K }>[] {
  return items.filter((i): i is Extract<CommitItem, { kind: K }> => i.kind === kind);
}
