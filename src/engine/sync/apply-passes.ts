import type { LinkRow, StagedChange } from '../../store/sync-store.js';
import { linkedUnit } from './apply-batch.js';
import { intentUnit } from './create-units.js';
import { approvedDeleteUnit } from './delete-units.js';
import { runUnits } from './run-units.js';
import { keyOf, linksOf } from './sync-links.js';
import type { SyncRun } from './sync-run-context.js';
import type { SyncUnit } from './sync-unit.js';

const isUnit = (u: SyncUnit | undefined): u is SyncUnit => u !== undefined;

/** Walks the links of one status in id order, a batch at a time, applying the units made of each batch. */
async function walkLinks(
  run: SyncRun,
  status: LinkRow['status'],
  units: (links: LinkRow[]) => Promise<SyncUnit[]>,
): Promise<void> {
  let afterId = 0;
  for (;;) {
    if (run.ctx.signal.aborted) return;
    const links = await run.store.linksByStatus(run.def.name, status, afterId, run.def.batchSize);
    const last = links.at(-1);
    if (!last) return;
    afterId = last.id;
    await runUnits(run, await units(links));
    run.progress();
  }
}

/**
 * Create intents a crash left behind (`pending-create`), before anything else is applied: each is
 * linked to the created record read back from its side (an unlinked staged change with the intent's
 * hash), or created again when no such record was read.
 */
export async function applyIntents(run: SyncRun): Promise<void> {
  await walkLinks(run, 'pending-create', async (links) => {
    const pool = new Map<string, StagedChange[]>();
    for (const side of ['a', 'b'] as const) {
      const hashes = [...new Set(links.flatMap((l) => (l.intent?.side === side ? [l.intent.hash] : [])))];
      if (hashes.length === 0) continue;
      const found = (await run.store.stagedByHashes(run.def.name, side, hashes)).filter((r) => !r.parked);
      const linked = await linksOf(run, found);
      for (const r of found) {
        if (linked.has(keyOf(r))) continue;
        const k = `${side}\u0001${r.hash}`;
        pool.set(k, [...(pool.get(k) ?? []), r]);
      }
    }
    const found = new Map<number, StagedChange>();
    for (const l of links) {
      const r = l.intent ? pool.get(`${l.intent.side}\u0001${l.intent.hash}`)?.shift() : undefined;
      if (r) found.set(l.id, r);
    }
    const used = new Set([...found.values()].map(keyOf));
    for (const [id, r] of await byMatchKey(
      run,
      links.filter((l) => !found.has(l.id)),
      used,
    ))
      found.set(id, r);
    return links.map((l) => intentUnit(run, l, found.get(l.id))).filter(isUnit);
  });
}

/**
 * Intents whose record was not found by hash (the side changed a value on the way: trimmed, rounded):
 * the one unlinked staged record on the intent's side with the origin's match key, when there is
 * exactly one, is the created record — not a reason to create it again.
 */
async function byMatchKey(
  run: SyncRun,
  links: readonly LinkRow[],
  taken: Set<string>,
): Promise<Map<number, StagedChange>> {
  const out = new Map<number, StagedChange>();
  if (!run.def.match || links.length === 0) return out;
  const keyOfLink = new Map<number, string>();
  for (const l of links) {
    if (!l.intent) continue;
    const from = l.intent.side === 'a' ? 'b' : 'a';
    const key = run.compiled.matchKey(from, from === 'a' ? l.baseA : l.baseB);
    if (key !== null) keyOfLink.set(l.id, key);
  }
  if (keyOfLink.size === 0) return out;
  const staged = (await run.store.stagedByMatchKeys(run.def.name, [...new Set(keyOfLink.values())])).filter(
    (r) => !r.parked,
  );
  const linked = await linksOf(run, staged);
  for (const l of links) {
    const key = keyOfLink.get(l.id);
    const candidates = staged.filter(
      (r) => r.side === l.intent?.side && r.matchKey === key && !linked.has(keyOf(r)) && !taken.has(keyOf(r)),
    );
    const [only] = candidates;
    if (!only || candidates.length !== 1) continue;
    taken.add(keyOf(only));
    out.set(l.id, only);
  }
  return out;
}

/** Pending deletes a person approved (`delete-approved`): propagated now. */
export async function applyApprovedDeletes(run: SyncRun): Promise<void> {
  await walkLinks(run, 'delete-approved', async (links) => links.map((l) => approvedDeleteUnit(run, l)).filter(isUnit));
}

/**
 * Field conflicts a person resolved (`conflicts resolve`): their pairs are planned again with the
 * resolution (and any staged change of the pair), written, and the conflicts closed as applied.
 */
export async function applyResolved(run: SyncRun): Promise<void> {
  let afterId = 0;
  for (;;) {
    if (run.ctx.signal.aborted) return;
    const page = await run.store.listConflicts({
      sync: run.def.name,
      kind: 'field',
      status: 'resolved',
      afterId,
      limit: run.def.batchSize,
    });
    const last = page.at(-1);
    if (!last) return;
    afterId = last.id;
    const ids = [...new Set(page.flatMap((c) => (c.linkId === null ? [] : [c.linkId])))];
    const units: SyncUnit[] = [];
    for (const id of ids) {
      const link = await run.store.getLink(id);
      if (!link) continue;
      const [a] = link.aId === null ? [] : await run.store.stagedByIds(run.def.name, 'a', [link.aId]);
      const [b] = link.bId === null ? [] : await run.store.stagedByIds(run.def.name, 'b', [link.bId]);
      const unit = await linkedUnit(run, link, a?.parked ? undefined : a, b?.parked ? undefined : b);
      if (unit) units.push(unit);
    }
    await runUnits(run, units);
    run.progress();
  }
}
