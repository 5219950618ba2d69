import { isJsonObject, type Json } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import { asState, WATERMARK_SOURCE } from './delta-sync.js';

/** A flow's durable position, decoded: what `syncline status` shows; the stored format stays the engine's. */
export interface FlowState {
  /** Delta sync: the watermark (highest cursor handled by completed runs) and when the last full sync ran. */
  readonly watermark?: { readonly value: Json; readonly fullSyncAt: string | null };
  /** The checkpoint the next run resumes from (a run that did not complete, or a continuous source's position). */
  readonly checkpoint?: { readonly runId: number; readonly updatedAt: Date };
}

/** Reads a flow's watermark and checkpoint from the store. */
export async function readFlowState(store: StateStore, flow: string): Promise<FlowState> {
  const delta = asState(await store.getWatermark(flow, WATERMARK_SOURCE));
  const since: Json = delta.since;
  const checkpoint = await store.getCheckpoint(flow);
  return {
    ...(isJsonObject(since)
      ? {
          watermark: {
            value: since.value ?? null,
            fullSyncAt: typeof delta.fullSyncAt === 'string' ? delta.fullSyncAt : null,
          },
        }
      : {}),
    ...(checkpoint ? { checkpoint: { runId: checkpoint.runId, updatedAt: checkpoint.updatedAt } } : {}),
  };
}
