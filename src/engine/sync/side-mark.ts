import type { Json } from '../../sdk/index.js';
import { asState, type DeltaState } from '../delta-sync.js';

/**
 * What a sync keeps per side as its watermark (SyncStore.getWatermark): the delta state of the side's
 * change cursor (delta-sync.ts: the highest cursor fully staged) and when a reconcile pass last
 * completed on the side (ISO text), the companion a reconcile cron is measured against.
 */
export type SideMark = DeltaState & { readonly reconciledAt: string | null };

export function asSideMark(stored: Json | undefined): SideMark {
  const state = asState(stored);
  const at = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? stored.reconciledAt : undefined;
  return { ...state, reconciledAt: typeof at === 'string' ? at : null };
}

export function sideMarkJson(mark: SideMark): Json {
  return mark as unknown as Json;
}
