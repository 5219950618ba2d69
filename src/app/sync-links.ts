import { type Clock, FlowError } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import type { LinkFilter, LinkRow, SyncSide } from '../store/sync-store.js';
import type { SyncView } from './sync-conflicts.js';
import { withSyncLease } from './sync-lease.js';
import type { SyncInfo, SyncLookup } from './sync-lookup.js';
import { syncMask } from './sync-masking.js';

export interface SyncLinks {
  /** The sync's links matching the filter, id order (cursor paging), masked by its `pii:`, with how many match. */
  list(
    sync: string,
    filter: Omit<LinkFilter, 'sync'> & { readonly limit: number },
    view?: SyncView,
  ): Promise<{ links: LinkRow[]; total: number; sync: SyncInfo }>;
  /** One link of the sync (SYNC_LINK_NOT_FOUND otherwise). */
  get(sync: string, id: number, view?: SyncView): Promise<{ link: LinkRow; sync: SyncInfo }>;
  /**
   * Forgets the pair: the link is removed, so each record is unlinked the next time its side reads it
   * (paired again by the match rule, or created on the other side). Returns the link as it was.
   */
  unlink(sync: string, id: number, file?: string): Promise<LinkRow>;
  /**
   * Pairs two records explicitly in an existing link (its last synced values forgotten, so the next
   * change of either is compared with nothing: fields that differ are decided by the conflict policy).
   * A record already paired in another link is refused.
   */
  relink(sync: string, id: number, keys: { readonly a: string; readonly b: string }, file?: string): Promise<LinkRow>;
  /**
   * Re-sends a pair on the next run: side `from`'s values (its staged change, else its last synced
   * values) are staged again as a change, and the link's last synced values and hashes are cleared,
   * so the next run counts every field of `from` as changed and writes them all to the other side.
   * Takes the sync's lease for the staging (RUN_ALREADY_ACTIVE while a run of the sync is active).
   * Unlink and relink take it too: the link changes with its conflicts cleared, in one transaction.
   */
  resync(sync: string, id: number, from: SyncSide, file?: string): Promise<LinkRow>;
}

const notFound = (sync: string, id: number | string) =>
  new FlowError('SYNC_LINK_NOT_FOUND', `sync ${sync} has no link ${id}`, {
    next: [{ action: 'links.list', sync }],
  });

export function createSyncLinks(deps: { store: StateStore; lookup: SyncLookup; clock: Clock }): SyncLinks {
  const { store, lookup, clock } = deps;
  const linkOf = async (sync: string, id: number): Promise<LinkRow> => {
    const link = await store.sync.getLink(id);
    if (!link || link.sync !== sync) throw notFound(sync, id);
    return link;
  };

  /** The field conflicts of a link still open or resolved (not yet applied): cleared when the pair goes. */
  const unsettled = async (sync: string, linkId: number) =>
    (await store.sync.listConflicts({ sync, linkId, status: ['open', 'resolved'], limit: 10_000 })).map((c) => ({
      id: c.id,
      status: 'cleared' as const,
    }));

  return {
    async list(sync, filter, view = {}) {
      const info = await lookup.find(sync, view.file);
      const mask = syncMask(info.def, view.unmask === true);
      const [links, total] = await Promise.all([
        store.sync.listLinks({ ...filter, sync }),
        store.sync.countLinks({ ...filter, sync, afterId: undefined, limit: undefined }),
      ]);
      return { links: links.map(mask.link), total, sync: info };
    },

    async get(sync, id, view = {}) {
      const info = await lookup.find(sync, view.file);
      return { link: syncMask(info.def, view.unmask === true).link(await linkOf(sync, id)), sync: info };
    },

    async unlink(sync, id, file) {
      await lookup.find(sync, file);
      const link = await linkOf(sync, id);
      // the pair's field conflicts go with it (cleared), in the same transaction
      await withSyncLease(deps, sync, async (lease) =>
        store.sync.commitBatch({
          lease,
          sync,
          deleteLinks: [id],
          closeConflicts: await unsettled(sync, id),
          at: clock.now(),
        }),
      );
      return link;
    },

    async relink(sync, id, keys, file) {
      const info = await lookup.find(sync, file);
      const link = await linkOf(sync, id);
      for (const side of ['a', 'b'] as const) {
        const other = (await store.sync.linksByIds(sync, side, [keys[side]])).find((l) => l.id !== id);
        if (other)
          throw new FlowError(
            'CONFIG_INVALID',
            `sync ${sync}: record ${keys[side]} of ${info.labels[side]} is already paired in link ${other.id}`,
            { hint: `unlink link ${other.id} first, or relink that link instead` },
          );
      }
      // a new pair: the old pair's field conflicts are cleared with the change
      await withSyncLease(deps, sync, async (lease) =>
        store.sync.commitBatch({
          lease,
          sync,
          updateLinks: [
            {
              id,
              aId: keys.a,
              bId: keys.b,
              status: 'linked',
              aHash: null,
              bHash: null,
              baseA: {},
              baseB: {},
              intent: null,
              deletedOn: null,
              error: null,
              failures: 0,
            },
          ],
          closeConflicts: await unsettled(sync, id),
          at: clock.now(),
        }),
      );
      return (await store.sync.getLink(id)) ?? link;
    },

    async resync(sync, id, from, file) {
      await lookup.find(sync, file);
      const link = await linkOf(sync, id);
      const rid = from === 'a' ? link.aId : link.bId;
      const to = from === 'a' ? 'b' : 'a';
      if (rid === null || (from === 'a' ? link.bId : link.aId) === null)
        throw new FlowError('CONFIG_INVALID', `sync ${sync}: link ${id} is still being created on side ${to}`, {
          hint: 'its next run finishes the create; resync it after that',
        });
      if (link.status === 'pending-delete' || link.status === 'delete-approved')
        throw new FlowError(
          'CONFIG_INVALID',
          `sync ${sync}: link ${id} is a ${link.status === 'pending-delete' ? 'pending' : 'approved'} delete of side ${link.deletedOn ?? '?'}: there is no pair to re-send`,
          {
            hint: 'ignore the delete first (the link goes back to linked), then resync it',
            next: [{ action: 'deletes.list', sync }],
          },
        );
      await withSyncLease(deps, sync, async (lease) => {
        const [staged] = await store.sync.stagedByIds(sync, from, [rid]);
        const at = clock.now();
        await store.sync.stage({
          lease,
          sync,
          side: from,
          changes: [
            {
              sync,
              side: from,
              rid,
              matchKey: staged?.matchKey ?? null,
              hash: staged?.hash ?? (from === 'a' ? link.aHash : link.bHash) ?? '',
              values: staged?.values ?? (from === 'a' ? link.baseA : link.baseB),
              changedAt: staged?.changedAt ?? (from === 'a' ? link.aChangedAt : link.bChangedAt),
              deleted: false,
            },
          ],
          at,
        });
        await store.sync.commitBatch({
          lease,
          sync,
          updateLinks: [
            { id, status: 'linked', aHash: null, bHash: null, baseA: {}, baseB: {}, error: null, failures: 0 },
          ],
          at,
        });
      });
      return (await store.sync.getLink(id)) ?? link;
    },
  };
}
