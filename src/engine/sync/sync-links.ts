import type { ConflictRow, LinkRow, StagedChange } from '../../store/sync-store.js';
import type { Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';

/** A staged change's (or a link side's) identity within one sync: side and key. */
export const keyOf = (r: { side: Side; rid: string }): string => `${r.side}\u0001${r.rid}`;

/** The links of some staged changes, by `keyOf` of the change. */
export async function linksOf(run: SyncRun, rows: readonly StagedChange[]): Promise<Map<string, LinkRow>> {
  const out = new Map<string, LinkRow>();
  for (const side of ['a', 'b'] as const) {
    const ids = [...new Set(rows.filter((r) => r.side === side).map((r) => r.rid))];
    if (ids.length === 0) continue;
    for (const link of await run.store.linksByIds(run.def.name, side, ids)) {
      const rid = side === 'a' ? link.aId : link.bId;
      if (rid !== null) out.set(keyOf({ side, rid }), link);
    }
  }
  return out;
}

/** The open and resolved field conflicts of a link (only links known to have some are asked). */
export async function conflictsOf(run: SyncRun, linkId: number): Promise<ConflictRow[]> {
  if (!run.conflictLinks.has(linkId)) return [];
  return run.store.listConflicts({
    sync: run.def.name,
    linkId,
    kind: 'field',
    status: ['open', 'resolved'],
    limit: 1000,
  });
}

/** Every link with open or resolved field conflicts, read once when a run starts (paged). */
export async function loadConflictLinks(run: Pick<SyncRun, 'store' | 'def' | 'conflictLinks'>): Promise<void> {
  let afterId = 0;
  for (;;) {
    const page = await run.store.listConflicts({
      sync: run.def.name,
      kind: 'field',
      status: ['open', 'resolved'],
      afterId,
      limit: 1000,
    });
    const last = page.at(-1);
    if (!last) return;
    for (const c of page) if (c.linkId !== null) run.conflictLinks.add(c.linkId);
    afterId = last.id;
  }
}
