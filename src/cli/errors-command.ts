import { readFile } from 'node:fs/promises';
import type { ProjectDefinition } from '../config/definition.js';
import type { Engine } from '../engine/index.js';
import {
  FlowError,
  isJsonObject,
  type JsonObject,
  parseDuration,
  type StageName,
  stageNameOption,
  stageText,
} from '../sdk/index.js';
import { maskPii, maskValue, maskValuesInText, piiValues, rawValues } from '../security/index.js';
import type {
  ErrorFilter,
  ErrorHistoryRow,
  ErrorRecordRow,
  ErrorStatus,
  RunRow,
  StateStore,
} from '../store/state-store.js';
import type { CliRedaction } from './cli-redaction.js';
import { formatTable } from './format-table.js';
import { listMessage } from './list-message.js';
import { loadFlowFile } from './load-project.js';
import { openCliStore } from './open-cli-store.js';
import { openEngine } from './open-engine.js';
import { exitCodeFor } from './run-command.js';
import { runSummary } from './run-summary.js';

/** The filters `errors list`, `errors retry --all` and `errors resolve --all` share. */
export interface ErrorFilterOptions {
  flow?: string;
  run?: string;
  status?: string;
  code?: string;
  stage?: string;
  /** Hub-and-spoke: the records that failed at this destination (stage `destination:<name>`). */
  destination?: string;
  record?: string;
  kind?: string;
  since?: string;
  until?: string;
}

export interface ErrorListOptions extends ErrorFilterOptions {
  db?: string;
  limit: number;
  json?: boolean;
  file?: string;
  unmask?: boolean;
  redaction?: CliRedaction;
}

const statuses: readonly ErrorStatus[] = ['open', 'retried', 'resolved'];

export function parseId(text: string, what = 'error record id'): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new FlowError('CONFIG_INVALID', `"${text}" is not a valid ${what}`, {
      hint: 'ids are positive whole numbers, as `syncline errors list` shows them',
    });
  return n;
}

/** `2026-11-01`, `2026-11-01T08:00:00Z`, or a span back from now: `30m`, `24h`, `7d`. */
export function parseTime(text: string, option: string, now = new Date()): Date {
  const span = parseDuration(text);
  if (span !== undefined && !/^\d{4}-/.test(text)) return new Date(now.getTime() - span);
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new FlowError('CONFIG_INVALID', `${option} "${text}" is neither a date nor a span`, {
      hint: `write a date (2026-11-01, 2026-11-01T08:00:00Z) or a span back from now (30m, 24h, 7d)`,
    });
  return date;
}

/** The stage filter: `--stage`, or `--destination <name>` for stage `destination:<name>`. */
function stageOf(o: ErrorFilterOptions): StageName | undefined {
  if (o.destination === undefined) return o.stage === undefined ? undefined : stageNameOption(o.stage);
  const stage = stageText({ kind: 'destination', name: o.destination });
  if (o.stage && o.stage !== stage)
    throw new FlowError(
      'CONFIG_INVALID',
      `--stage ${o.stage} and --destination ${o.destination} contradict each other`,
      {
        hint: `--destination ${o.destination} stands for --stage ${stage}: give one of them`,
      },
    );
  return { kind: 'destination', name: o.destination };
}

export function toFilter(o: ErrorFilterOptions): ErrorFilter {
  if (o.status && !statuses.includes(o.status as ErrorStatus)) {
    throw new FlowError('CONFIG_INVALID', `unknown status "${o.status}"`, {
      hint: `use one of: ${statuses.join(', ')}`,
    });
  }
  const stage = stageOf(o);
  return {
    ...(o.flow ? { flow: o.flow } : {}),
    ...(o.run ? { runId: parseId(o.run, 'run id') } : {}),
    ...(o.status ? { status: o.status as ErrorStatus } : {}),
    ...(o.code ? { code: o.code } : {}),
    ...(stage ? { stage } : {}),
    ...(o.record ? { recordId: o.record } : {}),
    ...(o.kind ? { kind: o.kind } : {}),
    ...(o.since ? { since: parseTime(o.since, '--since') } : {}),
    ...(o.until ? { until: parseTime(o.until, '--until') } : {}),
  };
}

/** The filter in words, for messages: `flow=orders code=RECORD_CONSTRAINT`. */
export function describeFilter(o: ErrorFilterOptions): string {
  const parts = Object.entries(o)
    .filter(
      ([k, v]) =>
        typeof v === 'string' &&
        ['flow', 'run', 'status', 'code', 'stage', 'destination', 'record', 'kind', 'since', 'until'].includes(k),
    )
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(' ') : 'no filter';
}

export async function errorsList(o: ErrorListOptions): Promise<number> {
  const store = await openCliStore({ db: o.db, file: o.file, mustExist: true });
  try {
    const filter = { ...toFilter(o), limit: o.limit };
    const [rows, total] = await Promise.all([
      store.listErrors(filter),
      store.countErrors({ ...filter, limit: undefined }),
    ]);
    if (o.json) {
      const pii = piiResolver(store, o.file, o.redaction);
      const shown = o.unmask ? rows : await Promise.all(rows.map(async (e) => maskRecord(e, await pii(e))));
      const text = `${JSON.stringify(shown.map(stageAsText), null, 2)}\n`;
      process.stdout.write(o.redaction?.redact(text) ?? text);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write(`no error records match (${describeFilter(o)})\n`);
      return 0;
    }
    const cells = rows.map((e) => [
      e.id,
      e.flow,
      e.runId,
      e.recordId,
      stageText(e.stage),
      e.code,
      e.status,
      e.attempts,
    ]);
    const used = formatTable(['id', 'flow', 'run', 'record', 'stage', 'code', 'status', 'tries'], cells).split('\n')[0]
      ?.length;
    const width = process.stdout.isTTY ? Math.max(40, (process.stdout.columns ?? 120) - (used ?? 0) - 2) : undefined;
    const table = rows.map((e) => [
      e.id,
      e.flow,
      e.runId,
      e.recordId,
      stageText(e.stage),
      e.code,
      e.status,
      e.attempts,
      listMessage(e.message, width),
    ]);
    process.stdout.write(
      `${formatTable(['id', 'flow', 'run', 'record', 'stage', 'code', 'status', 'tries', 'message'], table)}\n`,
    );
    process.stdout.write(`${rows.length} of ${total} shown; details: syncline errors show <id>\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * The PII values of an error record, to mask in its message, hint and history: those at the flow's
 * `pii` paths (every value when the flow is unknown), every word of a line the source could not read.
 */
function piiOf(e: ErrorRecordRow, pii: readonly string[] | 'all'): string[] {
  if (pii !== 'all' && pii.length === 0) return [];
  const values = piiValues(e.payload, pii === 'all' ? ['*'] : pii);
  if (e.code === 'RECORD_MALFORMED') {
    const raw = e.raw ?? e.payload.raw;
    values.push(...rawValues(typeof raw === 'string' ? raw : JSON.stringify(raw ?? '')));
  }
  return values;
}

/**
 * A record with its PII masked: the flow's `pii` paths, or every value when the flow is unknown. A
 * line the source could not read is masked whole: its fields cannot be told apart. Messages were
 * masked when stored; masked again here for records stored before that.
 */
function maskRecord(e: ErrorRecordRow, pii: readonly string[] | 'all'): ErrorRecordRow {
  if (pii !== 'all' && pii.length === 0) return e;
  const values = piiOf(e, pii);
  const text = (t: string) => maskValuesInText(t, values);
  const raw = e.raw === null ? null : (maskValue(e.raw) as string);
  return {
    ...e,
    message: text(e.message),
    hint: e.hint === null ? null : text(e.hint),
    note: e.note === null ? null : text(e.note),
    payload: maskPayload(e, e.payload, pii),
    raw,
  };
}

/** A payload of the record (its own, or one its history keeps) masked: whole for an unreadable line or an unknown flow. */
function maskPayload(e: ErrorRecordRow, payload: JsonObject, pii: readonly string[] | 'all'): JsonObject {
  if (pii === 'all' || e.code === 'RECORD_MALFORMED') return maskValue(payload) as JsonObject;
  return pii.length === 0 ? payload : maskPii(payload, pii);
}

/** The history of an error record, with the record's PII masked in its messages and the payloads it keeps. */
function maskHistory(
  e: ErrorRecordRow,
  history: readonly ErrorHistoryRow[],
  pii: readonly string[] | 'all',
): ErrorHistoryRow[] {
  if (pii !== 'all' && pii.length === 0) return [...history];
  const values = piiOf(e, pii);
  return history.map((h) => ({
    ...h,
    message: maskValuesInText(h.message, values),
    ...(h.payload === null ? {} : { payload: maskPayload(e, h.payload, pii) }),
  }));
}

/**
 * The `pii` paths of an error record's flow, read from the flow file its run used (or `file`);
 * 'all' when that file cannot be read: then everything is masked rather than anything shown.
 */
function piiResolver(
  store: StateStore,
  file?: string,
  redaction?: CliRedaction,
): (e: ErrorRecordRow) => Promise<readonly string[] | 'all'> {
  const projects = new Map<string, Promise<ProjectDefinition | undefined>>();
  return async (e) => {
    const path = file ?? (await store.getRun(e.runId))?.flowFile;
    if (!path) return 'all';
    let project = projects.get(path);
    if (!project) {
      project = loadFlowFile(path, store, redaction).catch(() => undefined);
      projects.set(path, project);
    }
    const flow = (await project)?.flows[e.flow];
    return flow ? (flow.pii ?? []) : 'all';
  };
}

/** An error record as `--json` prints it: its stage in the text form (`step:<name>`). */
const stageAsText = (e: ErrorRecordRow) => ({ ...e, stage: stageText(e.stage) });

export function formatErrorRecord(e: ErrorRecordRow, history: readonly ErrorHistoryRow[] = []): string {
  const lines = [
    `error record ${e.id} (${e.status})`,
    `  flow:     ${e.flow}   run: ${e.runId}   record: ${e.recordId}`,
    `  stage:    ${stageText(e.stage)}${e.field ? `   field: ${e.field}` : ''}`,
    `  error:    [${e.code}] ${e.message}`,
  ];
  if (e.hint) lines.push(`  hint:     ${e.hint}`);
  lines.push(
    `  attempts: ${e.attempts}   created: ${e.createdAt.toISOString()}   updated: ${e.updatedAt.toISOString()}`,
  );
  if (e.note) lines.push(`  note:     ${e.note}`);
  if (e.raw) lines.push(`  raw:      ${e.raw}`);
  if (history.length > 0) {
    lines.push('  history:');
    for (const h of history) {
      const run = h.runId === null ? '' : ` (run ${h.runId})`;
      lines.push(`    ${h.at.toISOString()}  ${h.action}${run}: ${h.message.replace(/\s+/g, ' ').slice(0, 120)}`);
      // a payload other than the record's (the first failure's is the record's own until edited)
      if (h.payload !== null && JSON.stringify(h.payload) !== JSON.stringify(e.payload))
        lines.push(`      with payload ${JSON.stringify(h.payload).slice(0, 200)}`);
    }
  }
  lines.push(
    '  payload:',
    ...JSON.stringify(e.payload, null, 2)
      .split('\n')
      .map((l) => `    ${l}`),
  );
  return lines.join('\n');
}

export async function errorsShow(
  id: string,
  o: { db?: string; json?: boolean; file?: string; unmask?: boolean; redaction?: CliRedaction },
): Promise<number> {
  const store = await openCliStore({ db: o.db, file: o.file, mustExist: true });
  try {
    const found = await store.getError(parseId(id));
    if (!found) throw new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
    const pii = o.unmask ? [] : await piiResolver(store, o.file, o.redaction)(found);
    const e = maskRecord(found, pii);
    const history = maskHistory(found, await store.errorHistory(e.id), pii);
    const text = o.json
      ? `${JSON.stringify({ ...stageAsText(e), history }, null, 2)}\n`
      : `${formatErrorRecord(e, history)}\n`;
    process.stdout.write(o.redaction?.redact(text) ?? text);
    if (pii === 'all' && !o.json)
      process.stdout.write(
        '  (values masked: the flow file is unknown; pass --file to mask only its pii fields, or --unmask)\n',
      );
    else if (pii !== 'all' && pii.length > 0 && !o.json)
      process.stdout.write(`  (masked: ${pii.join(', ')}; --unmask shows them)\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function readPayload(file: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new FlowError('FILE_NOT_FOUND', `cannot read payload file ${file}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FlowError('PAYLOAD_INVALID', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(value))
    throw new FlowError(
      'PAYLOAD_INVALID',
      `${file} must hold one JSON object, not ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  return value;
}

export interface BulkOptions extends ErrorFilterOptions {
  db?: string;
  /** Act on every open record matching the filters instead of the ids. */
  all?: boolean;
}

/** The ids to act on: the ones given, or with --all every open record matching the filters (oldest first). */
async function targetIds(store: StateStore, ids: readonly string[], o: BulkOptions, verb: string): Promise<number[]> {
  if (o.all && ids.length > 0)
    throw new FlowError('CONFIG_INVALID', `give error record ids or --all with filters, not both`);
  if (!o.all) {
    if (ids.length === 0)
      throw new FlowError('CONFIG_INVALID', `name the error records to ${verb}`, {
        hint: `give their ids (syncline errors list shows them), or --all with filters such as --flow and --code`,
      });
    return ids.map((t) => parseId(t));
  }
  if (o.status && o.status !== 'open')
    throw new FlowError('CONFIG_INVALID', `--all acts on open records only; --status ${o.status} cannot be ${verb}d`);
  const rows = await store.listErrors({ ...toFilter(o), status: 'open' });
  return rows.map((r) => r.id).reverse();
}

/**
 * Retries each id from its failed stage, then runs the pipeline stages the delivered records were
 * handed on to (as `syncline run` runs a stage's `next:`). With several ids or --all, a record that
 * cannot be retried (resolved, not retryable, its flow gone) is reported and the others go on.
 * Exit 0 when all were delivered, 2 when some failed again or were not retried (or a stage after
 * them did not succeed), 1 when the only record named could not be retried.
 */
export async function errorsRetry(
  ids: readonly string[],
  o: BulkOptions & { file?: string; payload?: string; redaction?: CliRedaction },
): Promise<number> {
  if (o.payload && (ids.length !== 1 || o.all))
    throw new FlowError('CONFIG_INVALID', '--payload edits one record: give exactly one error record id');
  const payload = o.payload ? await readPayload(o.payload) : undefined;
  const engine = await openEngine({ db: o.db, file: o.file, mustExist: true }, undefined, o.redaction);
  let failed = 0;
  let delivered = 0;
  let skipped = 0;
  const runs: RunRow[] = [];
  try {
    const targets = await targetIds(engine.store, ids, o, 'retry');
    if (targets.length === 0) {
      process.stdout.write(`no open error records match (${describeFilter(o)}); nothing retried\n`);
      return 0;
    }
    const projects = new Map<string, Promise<ProjectDefinition>>();
    /** Pipeline stages that were handed records, per flow file: run once each, after every retry. */
    const stages = new Map<string, { project: ProjectDefinition; file: string; flows: Set<string> }>();
    /** The ids of each flow file, retried together: its flows opened once per batch of one stage. */
    const byFile = new Map<string, number[]>();
    const lines = new Map<number, string>();
    /** One record that cannot be retried does not stop the others (refused by the engine: whatever the kind). */
    const notRetried = (id: number, error: unknown, refused = false) => {
      if (targets.length === 1 || !(error instanceof FlowError) || (error.kind !== 'config' && !refused)) throw error;
      skipped += 1;
      lines.set(
        id,
        `error record ${id}: not retried [${error.code}]: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`,
      );
    };
    for (const id of targets) {
      try {
        const err = await engine.store.getError(id);
        if (!err) throw new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
        const run = await engine.store.getRun(err.runId);
        const file = o.file ?? run?.flowFile;
        if (!file)
          throw new FlowError('FILE_NOT_FOUND', `the flow file of error record ${id} is unknown`, {
            hint: 'pass it with --file <flow.yaml>',
          });
        byFile.set(file, [...(byFile.get(file) ?? []), id]);
      } catch (error) {
        notRetried(id, error);
      }
    }
    try {
      for (const [file, fileIds] of byFile) {
        let loading = projects.get(file);
        if (!loading) {
          loading = loadFlowFile(file, engine.store, o.redaction);
          projects.set(file, loading);
        }
        const project = await loading.catch((error: unknown) => {
          for (const id of fileIds) notRetried(id, error);
          return undefined;
        });
        if (!project) continue;
        for (const result of await engine.retryErrors(project, fileIds, payload ? { payload } : {})) {
          const { id } = result;
          if ('refused' in result) {
            notRetried(id, result.refused, true);
            continue;
          }
          const outcome = result.outcome;
          if (outcome.ok) delivered += 1;
          else failed += 1;
          if (outcome.handedOn.length > 0) {
            const entry = stages.get(file) ?? { project, file, flows: new Set<string>() };
            for (const flow of outcome.handedOn) entry.flows.add(flow);
            stages.set(file, entry);
          }
          lines.set(
            id,
            `error record ${id}: ${outcome.ok ? `retried, ${outcome.message}` : `failed again [${outcome.record.code}]: ${outcome.message}`}\n`,
          );
        }
      }
    } finally {
      // in the order they were named, also when a flow file could not be loaded
      for (const id of targets) {
        const line = lines.get(id);
        if (line) process.stdout.write(o.redaction?.redact(line) ?? line);
      }
    }
    if (targets.length > 1)
      process.stdout.write(
        `${delivered} delivered, ${failed} failed again${skipped > 0 ? `, ${skipped} not retried` : ''}\n`,
      );
    for (const { project, file, flows } of stages.values())
      for (const flow of flows) runs.push(...(await runStage(engine, project, file, flow)));
  } finally {
    await engine.close();
    await engine.store.close();
  }
  if (failed > 0 || skipped > 0) return 2;
  const code = exitCodeFor(runs);
  return code === 0 ? 0 : code === 1 ? 1 : 2;
}

/**
 * A pipeline stage that retried records were handed on to: runs it (and the stages after it) now,
 * so the records reach its destinations. When it is running already (`syncline serve`), they wait
 * in its input for its next run.
 */
async function runStage(engine: Engine, project: ProjectDefinition, file: string, flow: string): Promise<RunRow[]> {
  process.stdout.write(`\nrunning stage ${flow}, which the retried records were handed on to:\n`);
  try {
    const chain = await engine.runChain(project, flow, { trigger: 'retry' });
    for (const run of chain) process.stdout.write(`${runSummary(run)}\n`);
    return chain;
  } catch (error) {
    if (!(error instanceof FlowError) || error.code !== 'RUN_ALREADY_ACTIVE') throw error;
    process.stdout.write(
      `${error.message}: the retried records wait in its input and are delivered by its next run (syncline run ${file} ${flow})\n`,
    );
    return [];
  }
}

export async function errorsResolve(ids: readonly string[], o: BulkOptions & { note?: string }): Promise<number> {
  const store = await openCliStore({ db: o.db, mustExist: true });
  try {
    const targets = await targetIds(store, ids, o, 'resolve');
    if (targets.length === 0) {
      process.stdout.write(`no open error records match (${describeFilter(o)}); nothing resolved\n`);
      return 0;
    }
    for (const id of targets) {
      const e = await store.getError(id);
      if (!e) throw new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
      if (e.status !== 'open')
        throw new FlowError('ERROR_RECORD_RESOLVED', `error record ${id} is already ${e.status}`);
      await store.updateError(id, {
        status: 'resolved',
        note: o.note ?? null,
        updatedAt: new Date(),
        history: { action: 'resolved', message: o.note ?? 'resolved without a note' },
      });
      if (targets.length <= 20) process.stdout.write(`error record ${id}: resolved${o.note ? ` (${o.note})` : ''}\n`);
    }
    if (targets.length > 20)
      process.stdout.write(`${targets.length} error records resolved${o.note ? ` (${o.note})` : ''}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

/** Retention: removes retried and resolved records older than the span (default 30d); open ones stay. */
export async function errorsPurge(o: { db?: string; olderThan: string }): Promise<number> {
  const span = parseDuration(o.olderThan);
  if (span === undefined)
    throw new FlowError('CONFIG_INVALID', `--older-than "${o.olderThan}" is not a span`, {
      hint: 'write e.g. 30d, 12h',
    });
  const store = await openCliStore({ db: o.db, mustExist: true });
  try {
    const removed = await store.purgeErrors(new Date(Date.now() - span));
    process.stdout.write(
      `${removed} retried or resolved error records older than ${o.olderThan} removed (open ones are kept)\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
