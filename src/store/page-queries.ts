import { readInt, readJson, readJsonOrNull, readTime, writeJson, writeTime } from './codec.js';
import { recordErrors } from './error-queries.js';
import { appendInbox } from './inbox-queries.js';
import { holdLease } from './lease-fence.js';
import { addReturnedIds } from './returned-id-queries.js';
import type { StoreDb } from './run-queries.js';
import type { CheckpointRow, CommittedPage, PageCommit, RunPageRow } from './state-store.js';
import { putState } from './step-state-queries.js';
import { setWatermark } from './watermark-queries.js';

/**
 * The durability guarantee of the engine: the page row, the failed records, the checkpoint, the
 * steps' state writes, the delta-sync watermark, the ids destinations returned and the run's counts are written in ONE transaction, so a crash leaves either all of them or none.
 * With a lease, the transaction first checks and renews it: RUN_LEASE_LOST, and nothing written, when another run took the flow over.
 */
export async function commitPage(db: StoreDb, commit: PageCommit): Promise<CommittedPage> {
  const at = writeTime(commit.at);
  return db.transaction().execute(async (trx) => {
    // fenced: a run that lost its flow to another run writes nothing (and this write comes first, taking the lock)
    if (commit.lease) await holdLease(trx, commit.lease, new Date(commit.at.getTime() + commit.lease.ms));
    await trx
      .insertInto('run_pages')
      .values({
        run_id: commit.runId,
        seq: commit.seq,
        records: commit.records,
        failed: commit.failed,
        duration_ms: Math.round(commit.durationMs),
        checkpoint: commit.checkpoint === undefined ? null : writeJson(commit.checkpoint),
        committed_at: at,
      })
      .execute();
    const errorIds = commit.errors.length > 0 ? await recordErrors(trx, commit.errors) : [];
    if (commit.ids && commit.ids.length > 0) await addReturnedIds(trx, commit, commit.ids);
    for (const w of commit.state ?? [])
      if (w.entries.length > 0) await putState(trx, w.namespace, w.entries, commit.at);
    if (commit.handoff)
      for (const flow of commit.handoff.flows) await appendInbox(trx, flow, commit.handoff.payloads, commit.at);
    if (commit.watermark)
      await setWatermark(trx, commit.flow, commit.watermark.source, commit.watermark.value, commit.at);
    if (commit.checkpoint !== undefined) {
      const checkpoint = writeJson(commit.checkpoint);
      await trx
        .insertInto('checkpoints')
        .values({ flow: commit.flow, run_id: commit.runId, checkpoint, updated_at: at })
        .onConflict((oc) => oc.column('flow').doUpdateSet({ run_id: commit.runId, checkpoint, updated_at: at }))
        .execute();
    }
    await trx
      .updateTable('runs')
      .set({ counts: writeJson(commit.counts), pages: commit.seq, heartbeat_at: at })
      .where('id', '=', commit.runId)
      .execute();
    return { errorIds };
  });
}

export async function listPages(db: StoreDb, runId: number): Promise<RunPageRow[]> {
  const rows = await db.selectFrom('run_pages').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
  return rows.map((row) => ({
    runId: readInt(row.run_id),
    seq: readInt(row.seq),
    records: readInt(row.records),
    failed: readInt(row.failed),
    durationMs: readInt(row.duration_ms),
    checkpoint: readJsonOrNull(row.checkpoint),
    committedAt: readTime(row.committed_at),
  }));
}

export async function getCheckpoint(db: StoreDb, flow: string): Promise<CheckpointRow | undefined> {
  const row = await db.selectFrom('checkpoints').selectAll().where('flow', '=', flow).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    flow: row.flow,
    runId: readInt(row.run_id),
    checkpoint: readJson(row.checkpoint),
    updatedAt: readTime(row.updated_at),
  };
}

export async function clearCheckpoint(db: StoreDb, flow: string): Promise<void> {
  await db.deleteFrom('checkpoints').where('flow', '=', flow).execute();
}
