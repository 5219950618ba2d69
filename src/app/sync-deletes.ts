import { type Clock, FlowError } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import type { LinkRow } from '../store/sync-store.js';
import type { SyncView } from './sync-conflicts.js';
import type { SyncInfo, SyncLookup } from './sync-lookup.js';
import { syncMask } from './sync-masking.js';

/** The pending deletes to act on: these link ids, or every pending delete of the sync. */
export type DeleteTarget = { readonly ids: readonly number[] } | { readonly all: true };

/**
 * The pending-deletes queue of a sync (delete policy `review`): links whose record was deleted on
 * `deletedOn`, held until a person decides. Approving one sets it `delete-approved`: the next run
 * deletes the pair on the other side (as policy `propagate` would). Ignoring one sets it back to
 * `linked` with `deletedOn` cleared: nothing is deleted. An entry whose record comes back is cleared by
 * the run itself.
 */
export interface SyncDeletes {
  list(
    sync: string,
    page: { readonly afterId?: number | undefined; readonly limit: number },
    view?: SyncView,
  ): Promise<{ links: LinkRow[]; total: number; sync: SyncInfo }>;
  /** The pending deletes a target names (all of them: paged to the end); SYNC_LINK_NOT_FOUND for an id that is none. */
  select(sync: string, target: DeleteTarget): Promise<LinkRow[]>;
  approve(sync: string, target: DeleteTarget, file?: string): Promise<LinkRow[]>;
  ignore(sync: string, target: DeleteTarget, file?: string): Promise<LinkRow[]>;
}

const PAGE = 1000;

export function createSyncDeletes(deps: { store: StateStore; lookup: SyncLookup; clock: Clock }): SyncDeletes {
  const { store, lookup, clock } = deps;

  const select = async (sync: string, target: DeleteTarget): Promise<LinkRow[]> => {
    if ('ids' in target) {
      const rows: LinkRow[] = [];
      for (const id of target.ids) {
        const link = await store.sync.getLink(id);
        if (!link || link.sync !== sync || link.status !== 'pending-delete')
          throw new FlowError(
            'SYNC_LINK_NOT_FOUND',
            `sync ${sync} has no pending delete with link id ${id}${link && link.sync === sync ? ` (the link is ${link.status})` : ''}`,
            { next: [{ action: 'deletes.list', sync }] },
          );
        rows.push(link);
      }
      return rows;
    }
    const rows: LinkRow[] = [];
    for (let after = 0; ; ) {
      const page = await store.sync.linksByStatus(sync, 'pending-delete', after, PAGE);
      rows.push(...page);
      const last = page.at(-1);
      if (!last || page.length < PAGE) return rows;
      after = last.id;
    }
  };

  const decide = async (sync: string, target: DeleteTarget, approve: boolean, file?: string) => {
    await lookup.find(sync, file);
    const rows = await select(sync, target);
    const at = clock.now();
    for (const link of rows)
      await store.sync.updateLink(
        approve ? { id: link.id, status: 'delete-approved' } : { id: link.id, status: 'linked', deletedOn: null },
        at,
      );
    return rows;
  };

  return {
    async list(sync, page, view = {}) {
      const info = await lookup.find(sync, view.file);
      const mask = syncMask(info.def, view.unmask === true);
      const filter = { sync, status: 'pending-delete' as const };
      const [links, total] = await Promise.all([
        store.sync.listLinks({ ...filter, limit: page.limit, ...(page.afterId ? { afterId: page.afterId } : {}) }),
        store.sync.countLinks(filter),
      ]);
      return { links: links.map(mask.link), total, sync: info };
    },
    select,
    approve: (sync, target, file) => decide(sync, target, true, file),
    ignore: (sync, target, file) => decide(sync, target, false, file),
  };
}
