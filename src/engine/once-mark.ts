import type { FlowDefinition } from '../config/definition.js';
import type { Context, DataRecord, Source } from '../sdk/index.js';
import type { OpenFlow } from './open-flow.js';

/** Whether the flow's export mode is `once` and its source can mark rows exported. */
export function marksOnce(flow: FlowDefinition, source: Source): boolean {
  return flow.source.once !== undefined && source.markExported !== undefined;
}

/**
 * Export mode `once`: marks delivered source records exported at the source, after the commit that
 * kept them (a `once-mark` commit item). The flow must have opened its source's connection.
 */
export async function markExported(
  flow: FlowDefinition,
  source: Source,
  open: OpenFlow,
  records: readonly DataRecord[],
  ctx: Context,
): Promise<void> {
  const once = flow.source.once;
  if (once === undefined || source.markExported === undefined || records.length === 0) return;
  await source.markExported(
    { config: flow.source.config, connection: open.connection(flow.source.connection), field: once.field },
    records,
    ctx,
  );
}
