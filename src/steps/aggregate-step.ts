import { createHash } from 'node:crypto';
import { type Accessor, compilePath } from '../kit/index.js';
import {
  type Context,
  createRecord,
  type DataRecord,
  defineStep,
  type Failed,
  FlowError,
  type Json,
  type JsonObject,
  type StepState,
  toFlowError,
} from '../sdk/index.js';
import { type AggregateConfig, aggregateConfigSchema, DEFAULT_MAX_GROUPS } from './aggregate-config.js';
import { compileAggregate } from './aggregate-functions.js';
import { createGroupTable, type KeyedGroup } from './aggregate-groups.js';

/** Group records emitted per `flush` call: the engine writes them as one page, then asks for more. */
export const AGGREGATE_FLUSH_PAGE = 5_000;

/** The state namespace where an aggregate step of this run spills its groups. */
export const spillNamespace = (ctx: Context, where: string): string =>
  `aggregate:${ctx.runId}:${createHash('sha256').update(where).digest('hex').slice(0, 12)}`;

/** Lists the spill namespaces of a flow's aggregate steps, so a run clears what a crashed run left behind. */
const registryOf = (ctx: Context): string => `aggregate-spills:${ctx.flow}`;

/** Clears the spilled groups of earlier runs of the flow that did not finish, and this step's own namespace. */
async function clearLeftovers(state: StepState, ctx: Context, namespace: string): Promise<void> {
  const registry = registryOf(ctx);
  const now = ctx.clock.now();
  let after: string | undefined;
  for (;;) {
    const listed = await state.scan(registry, after, 500);
    for (const e of listed) await state.clear(e.key);
    if (listed.length < 500) break;
    after = listed.at(-1)?.key;
  }
  await state.clear(registry, now);
  await state.clear(namespace);
}

/** `groupBy` as output name → path. */
function groupFields(groupBy: AggregateConfig['groupBy']): [string, string][] {
  if (groupBy === undefined) return [];
  if (typeof groupBy === 'string') return [[groupBy, groupBy]];
  if (Array.isArray(groupBy)) return groupBy.map((p) => [p, p]);
  return Object.entries(groupBy);
}

/** A record's error, located, with a hint that fits a step whose output is made of many records. */
function recordError(error: unknown, at: string): FlowError {
  const e = error instanceof FlowError ? error : toFlowError(error, at);
  return new FlowError(e.code, e.message, {
    kind: e.kind,
    where: at,
    ...(e.field === undefined ? {} : { field: e.field }),
    hint: 'Correct the value at the source (or convert it with a map step before the aggregate) and run the flow again; retrying this record alone would make a group of it alone.',
  });
}

function configError(where: string, field: string, message: string, hint?: string): FlowError {
  return new FlowError('CONFIG_INVALID', `${where}: ${field}: ${message}`, {
    field,
    ...(hint === undefined ? {} : { hint }),
  });
}

/**
 * `aggregate:` — groups the run's records by the `groupBy` values and emits one record per group
 * at the end of the run (the group fields, then each output field). Up to `maxGroups` groups are
 * held in memory; beyond, all are merged into the state store (this run's namespace) and read back
 * in key order at the end, a page at a time. A record with a value a function cannot take (text for
 * `sum`) goes to the error store as RECORD_BAD_VALUE and counts in no group.
 */
export const aggregateStep = defineStep<AggregateConfig>({
  type: 'aggregate',
  description:
    'Groups records by fields and emits one record per group at the end of the run: count, sum, avg, min, max, first, last, collect.',
  config: aggregateConfigSchema,
  async create({ config: raw, where }, ctx) {
    const parsed = aggregateConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw configError(where, issue?.path.join('.') || 'aggregate', issue?.message ?? 'invalid configuration');
    }
    const config = parsed.data;
    const groups = groupFields(config.groupBy);
    const readers: Accessor[] = groups.map(([name, path]) => {
      const read = compilePath(path);
      if (typeof read === 'string')
        throw configError(where, `groupBy.${name}`, read, 'Write a path such as customer_id or customer.id.');
      return read;
    });
    const aggregates = Object.entries(config.fields).map(([name, spec]) => compileAggregate(name, spec, where));
    const groupNames = groups.map(([name]) => name);
    for (const a of aggregates) {
      if (groupNames.includes(a.name)) {
        throw configError(
          where,
          `fields.${a.name}`,
          `"${a.name}" is also a groupBy field`,
          'Give the output field another name, or rename the group field with groupBy: { name: path }.',
        );
      }
    }
    const state = ctx.state;
    const namespace = spillNamespace(ctx, where);
    if (state) await clearLeftovers(state, ctx, namespace);
    const table = createGroupTable({
      aggregates,
      maxGroups: config.maxGroups ?? DEFAULT_MAX_GROUPS,
      namespace,
      ...(state
        ? {
            state,
            beforeFirstSpill: () => state.put(registryOf(ctx), [{ key: namespace, value: ctx.runId }]),
          }
        : {}),
    });
    const values: Json[] = new Array(readers.length).fill(null); // reused: the table copies a new group's
    const taken: unknown[] = new Array(aggregates.length);
    let seq = 0;

    const toRecord = ({ key, group }: KeyedGroup): DataRecord => {
      const data: JsonObject = {};
      for (let i = 0; i < groupNames.length; i++) data[groupNames[i] as string] = group.values[i] ?? null;
      for (let i = 0; i < aggregates.length; i++) {
        const a = aggregates[i];
        if (a) data[a.name] = a.result(group.slots[i]);
      }
      return createRecord(data, { id: key }, key);
    };
    const spillStats = (spilled: number) => (spilled > 0 ? { stats: { spills: 1, spilledGroups: spilled } } : {});

    return {
      async process(records) {
        const failed: Failed[] = [];
        for (const record of records) {
          seq += 1;
          try {
            // every value is checked before any is added: a failing record counts in no field
            for (let i = 0; i < aggregates.length; i++) taken[i] = aggregates[i]?.take(record.data);
          } catch (error) {
            failed.push({ record, error: recordError(error, `${where} record ${record.meta.id}`) });
            continue;
          }
          for (let i = 0; i < readers.length; i++) values[i] = (readers[i] as Accessor)(record.data) ?? null;
          const group = table.group(values, seq);
          const slots = group.slots;
          for (let i = 0; i < aggregates.length; i++) {
            const v = taken[i];
            if (v !== undefined) slots[i] = aggregates[i]?.add(slots[i], v);
          }
        }
        return { records: [], failed, ...spillStats(await table.relieve()) };
      },
      async flush() {
        const { groups: out, done, spilled } = await table.next(AGGREGATE_FLUSH_PAGE);
        return { records: out.map(toRecord), failed: [], ...spillStats(spilled), ...(done ? {} : { more: true }) };
      },
    };
  },
});
