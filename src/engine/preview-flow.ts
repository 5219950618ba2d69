import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { type Clock, type DataRecord, type JsonObject, type Logger, noMetrics, stageText } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import type { ConnectionPool } from './connection-pool.js';
import { flowInbox, makeContext } from './make-context.js';
import { openFlow } from './open-flow.js';
import { runPage } from './page-outcome.js';
import type { Registry } from './registry.js';

export interface PreviewRow {
  readonly id: string;
  readonly position?: string;
  readonly input: JsonObject | null;
  /** The record after every step; null when it was dropped or failed. */
  readonly output: JsonObject | null;
  /** The step that filtered it out. */
  readonly droppedBy?: string;
  /** `stage` in its text form (`step:<name>`), as the preview shows it and prints it as JSON. */
  readonly error?: { stage: string; code: string; message: string; field?: string; hint?: string };
}

export interface PreviewResult {
  readonly flow: string;
  readonly rows: readonly PreviewRow[];
}

/** Runs the first `limit` source records through the steps without writing anything. */
export async function previewFlow(
  deps: { registry: Registry; pool: ConnectionPool; clock: Clock; log: Logger; store?: StateStore },
  project: ProjectDefinition,
  flow: FlowDefinition,
  limit: number,
): Promise<PreviewResult> {
  const abort = new AbortController();
  const ctx = makeContext({
    runId: 'preview',
    flow: flow.name,
    signal: abort.signal,
    clock: deps.clock,
    log: deps.log,
    metrics: noMetrics,
    baseDir: project.baseDir,
    // a webhook flow previews the events waiting in its inbox
    ...(deps.store ? { inbox: flowInbox(deps.store, flow.name) } : {}),
  });
  const open = await openFlow(deps.registry, deps.pool, project, flow, ctx, { destinations: 'none' });
  const inputs: DataRecord[] = [];
  const rows: PreviewRow[] = [];
  try {
    const source = deps.registry.source(flow.source.type);
    const sourceErrors: PreviewRow[] = [];
    // a continuous source (an inbox) previews what comes next, not what was handled already
    const from = source.continuous ? (await deps.store?.getCheckpoint(flow.name))?.checkpoint : undefined;
    for await (const page of source.read(
      {
        config: flow.source.config,
        connection: open.connection(flow.source.connection),
        ...(from === undefined ? {} : { from }),
      },
      ctx,
    )) {
      for (const r of page.records) {
        if (inputs.length + sourceErrors.length >= limit) break;
        inputs.push(r);
      }
      for (const f of page.failed ?? []) {
        if (inputs.length + sourceErrors.length >= limit) break;
        sourceErrors.push({
          id: f.record.meta.id,
          ...(f.record.meta.position ? { position: f.record.meta.position } : {}),
          input: null,
          output: null,
          error: {
            stage: 'source',
            code: f.error.code,
            message: f.error.message,
            ...(f.error.hint ? { hint: f.error.hint } : {}),
          },
        });
      }
      if (inputs.length + sourceErrors.length >= limit) break;
    }
    // the run's page pipeline, with no destination opened: nothing is written, nothing committed
    const result = await runPage({ flow, open, ctx }, { records: inputs }, { trackDropped: true, flush: true });
    const out = new Map(result.records.map((r) => [r.meta.id, r.data]));
    const failed = new Map(result.failures.map((f) => [f.record.meta.id, f]));
    for (const r of inputs) {
      const f = failed.get(r.meta.id);
      const droppedBy = result.dropped.get(r.meta.id);
      rows.push({
        id: r.meta.id,
        ...(r.meta.position ? { position: r.meta.position } : {}),
        input: r.data,
        output: out.get(r.meta.id) ?? null,
        ...(droppedBy ? { droppedBy } : {}),
        ...(f
          ? {
              error: {
                stage: stageText(f.stage),
                code: f.error.code,
                message: f.error.message,
                ...(f.error.field ? { field: f.error.field } : {}),
                ...(f.error.hint ? { hint: f.error.hint } : {}),
              },
            }
          : {}),
      });
    }
    // records a step made of several (an aggregate's groups): output only
    const inputIds = new Set(inputs.map((r) => r.meta.id));
    for (const r of result.records)
      if (!inputIds.has(r.meta.id)) rows.push({ id: r.meta.id, input: null, output: r.data });
    rows.push(...sourceErrors);
  } finally {
    abort.abort();
    await open.close('abort');
  }
  return { flow: flow.name, rows };
}
