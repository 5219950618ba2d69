import { FlowError } from '../sdk/index.js';
import type { StoreDb } from './run-queries.js';
import { linksByIds } from './sync-link-queries.js';
import type { LinkPatch, NewLink, SyncBatchCommit, SyncSide } from './sync-store.js';

/** A key the batch gives a link on one side, and which link (null: one it inserts) gets it. */
interface Claim {
  side: SyncSide;
  key: string;
  linkId: number | null;
  other: string | null;
}

function claims(inserts: readonly NewLink[], patches: readonly LinkPatch[]): Claim[] {
  const out: Claim[] = [];
  for (const l of inserts) {
    if (l.aId !== null) out.push({ side: 'a', key: l.aId, linkId: null, other: l.bId });
    if (l.bId !== null) out.push({ side: 'b', key: l.bId, linkId: null, other: l.aId });
  }
  for (const p of patches) {
    if (p.aId != null) out.push({ side: 'a', key: p.aId, linkId: p.id, other: p.bId ?? null });
    if (p.bId != null) out.push({ side: 'b', key: p.bId, linkId: p.id, other: p.aId ?? null });
  }
  return out;
}

const other = (side: SyncSide): SyncSide => (side === 'a' ? 'b' : 'a');
const named = (side: SyncSide, key: string | null) =>
  key === null ? `a new record of side ${side}` : `${side}:"${key}"`;

/**
 * SYNC_LINK_TAKEN for a batch a unique key of `sync_links` refused (one link per record on each side),
 * naming the record and the link that has it; undefined when no key of the batch is taken (the
 * violation was another one). Read after the batch's transaction rolled back.
 */
export async function linkTaken(db: StoreDb, commit: SyncBatchCommit, cause: unknown): Promise<FlowError | undefined> {
  const all = claims(commit.insertLinks ?? [], commit.updateLinks ?? []);
  const deleted = new Set(commit.deleteLinks ?? []);
  const seen = new Map<string, Claim>();
  for (const claim of all) {
    const id = `${claim.side}\u0000${claim.key}`;
    const first = seen.get(id);
    if (first !== undefined && (first.linkId === null || first.linkId !== claim.linkId))
      return taken(commit.sync, cause, claim, `${named(other(claim.side), first.other)} in the same batch`);
    seen.set(id, claim);
  }
  for (const side of ['a', 'b'] as const) {
    const mine = all.filter((c) => c.side === side);
    const existing = await linksByIds(
      db,
      commit.sync,
      side,
      mine.map((c) => c.key),
    );
    for (const link of existing) {
      if (deleted.has(link.id)) continue;
      const key = side === 'a' ? link.aId : link.bId;
      const claim = mine.find((c) => c.key === key && c.linkId !== link.id);
      if (claim)
        return taken(
          commit.sync,
          cause,
          claim,
          `link ${link.id}, with ${named(other(side), side === 'a' ? link.bId : link.aId)}`,
        );
    }
  }
  return undefined;
}

function taken(sync: string, cause: unknown, claim: Claim, holder: string): FlowError {
  return new FlowError(
    'SYNC_LINK_TAKEN',
    `sync "${sync}": record ${named(claim.side, claim.key)} is already linked (${holder}); the batch linking it to ${named(other(claim.side), claim.other)} was not written`,
    { where: `sync ${sync}/side ${claim.side}/record ${claim.key}`, cause },
  );
}
