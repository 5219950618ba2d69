import type { DeltaSettings, DestinationDefinition, FlowDefinition, SourceDefinition } from './definition.js';
import { parseConfig } from './parse-config.js';
import type { ParseContext } from './parse-context.js';
import { parseEndpoint } from './parse-endpoint.js';
import { parseNotify } from './parse-notify.js';
import { fieldLocations, parseSteps } from './parse-steps.js';
import { checkSchedule } from './schedule.js';
import { scheduleFields } from './schedule-fields.js';
import {
  DEFAULT_BATCH_SIZE,
  DESTINATION_KEYS,
  destinationWrapper,
  flowSchema,
  retrySchema,
  SOURCE_KEYS,
  STAGE_SOURCE_TYPE,
  sourceWrapper,
  stageSourceSchema,
} from './structure.js';
import { uniqueNames } from './unique-names.js';
import { formatPath, type PathKey } from './yaml-locator.js';

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Connection and type as strings, to check the rest even when another wrapper key is wrong. */
function endpointKeys(value: unknown): (Record<string, unknown> & { connection: string; type: string }) | undefined {
  return isMap(value) && typeof value.connection === 'string' && typeof value.type === 'string'
    ? (value as Record<string, unknown> & { connection: string; type: string })
    : undefined;
}

/** Checks of `delta:` and `once:` beyond their schema: time zone, cron, date, and a source that can mark records. */
function checkDelta(
  source: { type: string; delta?: DeltaSettings; once?: { field: string } },
  path: readonly PathKey[],
  ctx: ParseContext,
): void {
  const { delta, once } = source;
  if (delta) {
    checkSchedule(delta.fullSync, delta.timezone, [...path, 'delta'], ctx, 'fullSync');
    if (delta.since !== undefined && Number.isNaN(Date.parse(delta.since))) {
      const at = [...path, 'delta', 'since'];
      ctx.problems.add(
        'CONFIG_INVALID',
        ctx.locator.at(at),
        `${formatPath(at)}: "${delta.since}" is not a date`,
        'Write a date or time as the source writes its cursor values, e.g. 2026-01-01 or 2026-01-01T00:00:00Z.',
      );
    }
  }
  if (once) {
    const entry = ctx.catalog.sources.get(source.type);
    if (entry && entry.component.markExported === undefined) {
      const at = [...path, 'once'];
      const able = [...ctx.catalog.sources.entries()].filter(([, e]) => e.component.markExported).map(([t]) => t);
      ctx.problems.add(
        'CONFIG_INVALID',
        ctx.locator.at(at),
        `${formatPath(at)}: source type ${source.type} cannot mark records as exported`,
        `Export mode once works with: ${able.join(', ') || 'none of the registered sources'}. Use delta: { field: … } instead.`,
      );
    }
    if (delta) {
      const at = [...path, 'once'];
      ctx.problems.add(
        'CONFIG_INVALID',
        ctx.locator.at(at),
        `${formatPath(at)}: a source reads either by delta or once, not both`,
        'Keep `delta:` (changes since the watermark) or `once:` (records not yet exported).',
      );
    }
  }
}

/** `source: { flow: <name> }`: a pipeline stage reading what that flow handed on. */
function parseStageSource(value: unknown, path: readonly PathKey[], ctx: ParseContext): SourceDefinition | undefined {
  const parsed = parseConfig(stageSourceSchema, value, path, ctx);
  if (!parsed.ok) return undefined;
  return {
    connection: '',
    type: STAGE_SOURCE_TYPE,
    config: parsed.data,
    upstream: parsed.data.flow,
    where: ctx.locator.at(path).where,
  };
}

function parseSource(value: unknown, path: readonly PathKey[], ctx: ParseContext): SourceDefinition | undefined {
  if (isMap(value) && 'flow' in value && !('connection' in value) && !('type' in value))
    return parseStageSource(value, path, ctx);
  const wrapper = parseConfig(sourceWrapper, value, path, ctx);
  const keys = wrapper.ok ? wrapper.data : endpointKeys(value);
  if (!keys) return undefined;
  const endpoint = parseEndpoint('source', keys, SOURCE_KEYS, path, ctx);
  const delta = wrapper.ok ? wrapper.data.delta : undefined;
  const once = wrapper.ok ? wrapper.data.once : undefined;
  checkDelta({ type: keys.type, ...(delta ? { delta } : {}), ...(once ? { once } : {}) }, path, ctx);
  return (
    endpoint && {
      ...endpoint,
      ...(delta ? { delta } : {}),
      ...(once ? { once } : {}),
      where: ctx.locator.at(path).where,
      fieldWhere: fieldLocations(value, path, ctx),
    }
  );
}

function parseDestinations(
  items: readonly unknown[],
  flowPath: readonly PathKey[],
  ctx: ParseContext,
): DestinationDefinition[] {
  const parsed = items.flatMap((item, i) => {
    const path = [...flowPath, 'destinations', i];
    const wrapper = parseConfig(destinationWrapper, item, path, ctx);
    const keys = endpointKeys(item);
    if (!keys) return [];
    const endpoint = parseEndpoint('destination', keys, DESTINATION_KEYS, path, ctx);
    const declared = wrapper.ok ? wrapper.data.batch : undefined;
    const batch = declared
      ? { size: declared.size, parallel: declared.parallel, maxParallel: declared.maxParallel }
      : { size: DEFAULT_BATCH_SIZE };
    const retry = wrapper.ok ? (wrapper.data.retry ?? undefined) : undefined;
    const onOutage = wrapper.ok ? (wrapper.data.onOutage ?? undefined) : undefined;
    const explicit = typeof keys.name === 'string' && keys.name !== '' ? keys.name : undefined;
    return [{ path, explicit, connection: keys.connection, endpoint, batch, retry, onOutage }];
  });
  const names = uniqueNames(
    parsed.map((d) => ({ explicit: d.explicit, base: d.connection, path: d.path })),
    'destination',
    ctx,
  );
  return parsed.flatMap((d, i) =>
    d.endpoint
      ? [
          {
            name: names[i] as string,
            ...d.endpoint,
            batch: d.batch,
            ...(d.retry ? { retry: d.retry } : {}),
            ...(d.onOutage ? { onOutage: d.onOutage } : {}),
            where: ctx.locator.at(d.path).where,
          },
        ]
      : [],
  );
}

/** One entry of `flows:`: its schedule, source, steps and destinations. */
export function parseFlow(name: string, value: unknown, ctx: ParseContext): FlowDefinition | undefined {
  const path = ['flows', name];
  // The flow's name: where a flow is, and where a missing part is reported.
  const at = ctx.locator.keyAt(path);
  // Unknown or mistyped keys are reported here; the parts below are still checked one by one.
  parseConfig(flowSchema, value, path, ctx);
  if (!isMap(value)) return undefined;
  checkSchedule(value.schedule, value.timezone, path, ctx);
  // reported by flowSchema above when wrong; kept here when right
  const flowRetry = retrySchema.safeParse(value.retry ?? {});
  const flowTimeouts = flowSchema.shape.timeouts.safeParse(value.timeouts);
  const notify = parseNotify(value.notify, [...path, 'notify'], ctx);
  const flowConcurrency = flowSchema.shape.concurrency.safeParse(value.concurrency);
  const flowAutoRetry = flowSchema.shape.autoRetry.safeParse(value.autoRetry);
  const flowErrorThreshold = flowSchema.shape.errorThreshold.safeParse(value.errorThreshold);

  let source: SourceDefinition | undefined;
  if (value.source === undefined || value.source === null) {
    ctx.problems.add(
      'CONFIG_INVALID',
      at,
      `flows.${name}: the flow has no source`,
      'Add `source:` with the `connection:` to read from, its `type:` (e.g. file.csv) and the settings of that type.',
    );
  } else if (isMap(value.source)) {
    source = parseSource(value.source, [...path, 'source'], ctx);
  }

  const steps = Array.isArray(value.steps) ? parseSteps(value.steps, path, ctx) : [];

  const next = flowSchema.shape.next.safeParse(value.next);
  const nextNames = next.success && next.data ? (typeof next.data === 'string' ? [next.data] : next.data) : [];
  let destinations: DestinationDefinition[] = [];
  const destinationList = value.destinations;
  if (
    (destinationList === undefined ||
      destinationList === null ||
      (Array.isArray(destinationList) && destinationList.length === 0)) &&
    nextNames.length === 0
  ) {
    ctx.problems.add(
      'CONFIG_INVALID',
      destinationList === undefined || destinationList === null ? at : ctx.locator.at([...path, 'destinations']),
      `flows.${name}: the flow has no destination`,
      'Add `destinations:` with at least one item: `- connection: <name>` and its `type:` (e.g. sqlite.table) and settings, or hand the records on to another flow with `next: <flow>`.',
    );
  } else if (Array.isArray(destinationList)) {
    destinations = parseDestinations(destinationList, path, ctx);
  }

  if (!source) return undefined;
  return {
    name,
    ...scheduleFields(value),
    ...(flowRetry.success && value.retry ? { retry: flowRetry.data } : {}),
    ...(flowTimeouts.success && flowTimeouts.data ? { timeouts: flowTimeouts.data } : {}),
    ...(notify === undefined ? {} : { notify }),
    ...(flowConcurrency.success && flowConcurrency.data ? { concurrency: flowConcurrency.data } : {}),
    ...(flowAutoRetry.success && flowAutoRetry.data ? { autoRetry: flowAutoRetry.data } : {}),
    ...(flowErrorThreshold.success && flowErrorThreshold.data ? { errorThreshold: flowErrorThreshold.data } : {}),
    ...(Array.isArray(value.pii) ? { pii: value.pii.filter((p): p is string => typeof p === 'string') } : {}),
    source,
    ...(nextNames.length > 0 ? { next: nextNames } : {}),
    steps,
    destinations,
    where: at.where,
  };
}
