import { parseDuration } from '../sdk/index.js';
import type { SyncDefinition, SyncSideDefinition } from './definition.js';
import { parseConfig } from './parse-config.js';
import type { ParseContext } from './parse-context.js';
import { parseNotify } from './parse-notify.js';
import { parseSyncFields } from './parse-sync-fields.js';
import { type ParsedSide, parseSyncSide } from './parse-sync-side.js';
import { checkSchedule } from './schedule.js';
import { scheduleFields } from './schedule-fields.js';
import { checkSyncParts } from './sync-checks.js';
import { SYNC_DEFAULTS, syncConflictsSchema, syncDeletesSchema, syncMatchSchema } from './sync-policy-structure.js';
import { syncSchema } from './sync-structure.js';
import { formatPath, type PathKey } from './yaml-locator.js';

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseMatch(value: unknown): SyncDefinition['match'] {
  const parsed = syncMatchSchema.safeParse(value);
  if (value === undefined || value === null || !parsed.success) return undefined;
  const m = Array.isArray(parsed.data) ? { fields: parsed.data } : parsed.data;
  return {
    fields: m.fields,
    normalize: 'normalize' in m ? m.normalize : [...SYNC_DEFAULTS.normalize],
    maxAmbiguous: 'maxAmbiguous' in m ? m.maxAmbiguous : SYNC_DEFAULTS.maxAmbiguous,
  };
}

function parseConflicts(value: unknown): SyncDefinition['conflicts'] {
  const parsed = syncConflictsSchema.safeParse(value ?? {});
  const c = !parsed.success ? {} : typeof parsed.data === 'string' ? { policy: parsed.data } : parsed.data;
  return {
    policy: c.policy ?? SYNC_DEFAULTS.conflictPolicy,
    skewMs: parseDuration('skew' in c && c.skew !== undefined ? c.skew : SYNC_DEFAULTS.skew) ?? SYNC_DEFAULTS.skewMs,
  };
}

/** `deletes:` with its policy's needs: a flag field for `flag`, a valid cron for `reconcile`. */
function parseDeletes(value: unknown, path: readonly PathKey[], ctx: ParseContext): SyncDefinition['deletes'] {
  const parsed = syncDeletesSchema.safeParse(value ?? {});
  if (!parsed.success) return { policy: SYNC_DEFAULTS.deletePolicy };
  const d = typeof parsed.data === 'string' ? { policy: parsed.data } : parsed.data;
  const at = [...path, 'deletes'];
  if (d.policy === 'flag' && (d.flag?.a ?? d.flag?.b) === undefined)
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at(at),
      `${formatPath(at)}: policy flag needs the field to set`,
      'Add `flag: { a: { field: archived, value: true }, b: { field: … } }` (the sides it is written on).',
    );
  if (d.policy !== 'flag' && d.flag !== undefined)
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.keyAt([...at, 'flag']),
      `${formatPath([...at, 'flag'])}: only used by policy flag, but the policy is ${d.policy}`,
      'Set `policy: flag`, or remove `flag:`.',
    );
  if (typeof d.reconcile === 'string') checkSchedule(d.reconcile, undefined, at, ctx, 'reconcile');
  return {
    policy: d.policy,
    ...(d.flag === undefined ? {} : { flag: d.flag }),
    ...(d.reconcile === undefined ? {} : { reconcile: d.reconcile }),
  };
}

/** Labels of the two sides: the user's names must differ; default labels (the connection) that clash get the side. */
function labelled(a: ParsedSide | undefined, b: ParsedSide | undefined, path: readonly PathKey[], ctx: ParseContext) {
  const label = (s: ParsedSide) => s.explicitName ?? s.connection;
  const clash = a !== undefined && b !== undefined && label(a) === label(b);
  if (clash && a.explicitName !== undefined && b.explicitName !== undefined)
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at([...path, 'b', 'name']),
      `${formatPath([...path, 'b', 'name'])}: both sides are named "${label(b)}"`,
      'Give each side its own name: it tells them apart in counters and messages.',
    );
  const finish = (s: ParsedSide | undefined): SyncSideDefinition | undefined => {
    if (s === undefined) return undefined;
    const { explicitName: _name, ...side } = s;
    return { ...side, label: clash && s.explicitName === undefined ? `${s.connection}.${s.side}` : label(s) };
  };
  return { a: finish(a), b: finish(b) };
}

/** One entry of `syncs:` (docs/sync.md): its sides, fields, match rule and policies, checked together. */
export function parseSync(name: string, value: unknown, ctx: ParseContext): SyncDefinition | undefined {
  const path = ['syncs', name];
  parseConfig(syncSchema, value, path, ctx);
  if (!isMap(value)) return undefined;
  checkSchedule(value.schedule, value.timezone, path, ctx);
  const shape = syncSchema.shape;
  const batch = shape.batch.safeParse(value.batch);
  const batchSize = batch.success ? batch.data : SYNC_DEFAULTS.batch;
  const sides = labelled(
    parseSyncSide('a', value.a, path, ctx, batchSize),
    parseSyncSide('b', value.b, path, ctx, batchSize),
    path,
    ctx,
  );
  const fields = parseSyncFields(value.fields, path, ctx);
  const match = parseMatch(value.match);
  const deletes = parseDeletes(value.deletes, path, ctx);
  checkSyncParts({ name, path, raw: value, sides, fields, match, deletes }, ctx);
  const notify = parseNotify(value.notify, [...path, 'notify'], ctx);
  const maxAttempts = shape.maxAttempts.safeParse(value.maxAttempts);
  const retry = shape.retry.safeParse(value.retry);
  const timeouts = shape.timeouts.safeParse(value.timeouts);
  const pii = shape.pii.safeParse(value.pii);
  if (sides.a === undefined || sides.b === undefined) return undefined;
  return {
    name,
    ...scheduleFields(value),
    a: sides.a,
    b: sides.b,
    fields,
    ...(match === undefined ? {} : { match }),
    conflicts: parseConflicts(value.conflicts),
    deletes,
    batchSize,
    maxAttempts: maxAttempts.success ? maxAttempts.data : SYNC_DEFAULTS.maxAttempts,
    ...(retry.success && retry.data ? { retry: retry.data } : {}),
    ...(timeouts.success && timeouts.data ? { timeouts: timeouts.data } : {}),
    ...(pii.success && pii.data ? { pii: pii.data } : {}),
    ...(notify === undefined ? {} : { notify }),
    where: ctx.locator.keyAt(path).where,
  };
}
