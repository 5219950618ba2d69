import { isJsonObject, type Json } from '../../../sdk/index.js';
import type { QuotaSignal } from './quota-signal.js';

/**
 * A cost-based bucket from a GraphQL answer (Shopify's `extensions.cost`): `throttleStatus`
 * `{ maximumAvailable, currentlyAvailable, restoreRate }`. Undefined when the answer has none.
 * `requestedQueryCost` is the cost the next similar query needs (`costOf`).
 */
export function costBucket(body: Json): QuotaSignal | undefined {
  const cost = isJsonObject(body) && isJsonObject(body.extensions) ? body.extensions.cost : undefined;
  const status = isJsonObject(cost) ? cost.throttleStatus : undefined;
  if (!isJsonObject(status)) return undefined;
  const { maximumAvailable: limit, currentlyAvailable: remaining, restoreRate } = status;
  if (typeof limit !== 'number' || typeof remaining !== 'number') return undefined;
  return {
    name: 'graphql cost',
    limit,
    remaining,
    used: Math.max(0, limit - remaining),
    ...(typeof restoreRate === 'number' && restoreRate > 0 ? { restorePerSecond: restoreRate } : {}),
  };
}

/** The cost a GraphQL answer says its query asked for (`extensions.cost.requestedQueryCost`), to pace the next one. */
export function costOf(body: Json): number | undefined {
  const cost = isJsonObject(body) && isJsonObject(body.extensions) ? body.extensions.cost : undefined;
  const requested = isJsonObject(cost) ? cost.requestedQueryCost : undefined;
  return typeof requested === 'number' ? requested : undefined;
}
