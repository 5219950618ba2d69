import { readFile } from 'node:fs/promises';
import type { ErrorFilter, ErrorHistoryRow, ErrorRecordRow, ErrorStatus, ErrorTarget, RunRow } from '../app/index.js';
import {
  FlowError,
  isJsonObject,
  type JsonObject,
  parseDuration,
  type StageName,
  stageNameOption,
  stageText,
} from '../sdk/index.js';
import { actionCommand } from './action-command.js';
import type { CliRedaction } from './cli-redaction.js';
import { formatTable } from './format-table.js';
import { listMessage } from './list-message.js';
import { withApp } from './open-app.js';
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
  return stageNameOption(stage);
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
  const filter = { ...toFilter(o), limit: o.limit };
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    // JSON carries payloads: masked by the flow's pii fields unless --unmask (the table shows none)
    const { records: rows, total } = await app.errors.list(filter, {
      mask: o.json === true && o.unmask !== true,
      file: o.file,
    });
    if (o.json) {
      const text = `${JSON.stringify(rows.map(stageAsText), null, 2)}\n`;
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
    const table = cells.map((cell, i) => [...cell, listMessage(rows[i]?.message ?? '', width)]);
    process.stdout.write(
      `${formatTable(['id', 'flow', 'run', 'record', 'stage', 'code', 'status', 'tries', 'message'], table)}\n`,
    );
    process.stdout.write(`${rows.length} of ${total} shown; details: syncline errors show <id>\n`);
    return 0;
  });
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
  // a destination's records kept while it was down (hub-and-spoke): retried there only
  if (e.status === 'open' && e.kind === 'transient' && e.stage.kind === 'destination') {
    const retry = actionCommand({ action: 'errors.retry', filter: { flow: e.flow, destination: e.stage.name } });
    lines.push(`  next:     ${retry}`);
  }
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
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const {
      record: e,
      history,
      masked: pii,
    } = await app.errors.show(parseId(id), { mask: o.unmask !== true, file: o.file });
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
  });
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

/** The records to act on: the ids given, or with --all every open record matching the filters. */
function targetOf(ids: readonly string[], o: BulkOptions, verb: 'retry' | 'resolve'): ErrorTarget {
  if (o.all && ids.length > 0)
    throw new FlowError('CONFIG_INVALID', `give error record ids or --all with filters, not both`);
  if (!o.all) {
    if (ids.length === 0)
      throw new FlowError('CONFIG_INVALID', `name the error records to ${verb}`, {
        hint: `give their ids (syncline errors list shows them), or --all with filters such as --flow and --code`,
      });
    return { ids: ids.map((t) => parseId(t)) };
  }
  if (o.status && o.status !== 'open')
    throw new FlowError(
      'CONFIG_INVALID',
      `--all acts on open records only; --status ${o.status} cannot be ${verb === 'retry' ? 'retried' : 'resolved'}`,
    );
  return { all: toFilter(o) };
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
  const target = targetOf(ids, o, 'retry');
  const print = (line: string) => process.stdout.write(o.redaction?.redact(line) ?? line);
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    let targets = 0;
    let troubled = false;
    const runs: RunRow[] = [];
    for await (const event of app.errors.retry(target, { file: o.file, payload })) {
      switch (event.type) {
        case 'selected':
          targets = event.ids.length;
          if (targets === 0) {
            process.stdout.write(`no open error records match (${describeFilter(o)}); nothing retried\n`);
            return 0;
          }
          break;
        case 'retried': {
          const { outcome } = event;
          print(
            `error record ${event.id}: ${outcome.ok ? `retried, ${outcome.message}` : `failed again [${outcome.record.code}]: ${outcome.message}`}\n`,
          );
          break;
        }
        case 'not-retried': {
          const { error } = event;
          print(
            `error record ${event.id}: not retried [${error.code}]: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`,
          );
          break;
        }
        case 'records-done':
          troubled = event.failed > 0 || event.skipped > 0;
          if (targets > 1)
            process.stdout.write(
              `${event.delivered} delivered, ${event.failed} failed again${event.skipped > 0 ? `, ${event.skipped} not retried` : ''}\n`,
            );
          break;
        case 'stage-started':
          process.stdout.write(`\nrunning stage ${event.flow}, which the retried records were handed on to:\n`);
          break;
        case 'stage-ended':
          for (const run of event.runs) process.stdout.write(`${runSummary(run)}\n`);
          runs.push(...event.runs);
          break;
        case 'sync-started':
          process.stdout.write(
            `\nrunning sync ${event.sync} to write the ${event.records} change${event.records === 1 ? '' : 's'} again (un-parked):\n`,
          );
          break;
        case 'sync-ended':
          for (const run of event.runs) print(`${runSummary(run)}\n`);
          runs.push(...event.runs);
          break;
        case 'sync-busy':
          process.stdout.write(
            `${event.error.message}: the changes stay staged (un-parked) and that run or the next writes them (syncline run ${event.file} ${event.sync})\n`,
          );
          break;
        case 'stage-busy':
          process.stdout.write(
            `${event.error.message}: the retried records wait in its input and are delivered by its next run (syncline run ${event.file} ${event.flow})\n`,
          );
          break;
      }
    }
    if (troubled) return 2;
    const code = exitCodeFor(runs);
    return code === 0 ? 0 : code === 1 ? 1 : 2;
  });
}

export async function errorsResolve(ids: readonly string[], o: BulkOptions & { note?: string }): Promise<number> {
  const target = targetOf(ids, o, 'resolve');
  const note = o.note ? ` (${o.note})` : '';
  return withApp({ db: o.db, mustExist: true }, {}, async (app) => {
    let targets = 0;
    for await (const event of app.errors.resolve(target, o.note)) {
      if (event.type === 'selected') {
        targets = event.ids.length;
        if (targets === 0) {
          process.stdout.write(`no open error records match (${describeFilter(o)}); nothing resolved\n`);
          return 0;
        }
      } else if (targets <= 20) process.stdout.write(`error record ${event.id}: resolved${note}\n`);
    }
    if (targets > 20) process.stdout.write(`${targets} error records resolved${note}\n`);
    return 0;
  });
}

/** Retention: removes retried and resolved records older than the span (default 30d); open ones stay. */
export async function errorsPurge(o: { db?: string; olderThan: string }): Promise<number> {
  const span = parseDuration(o.olderThan);
  if (span === undefined)
    throw new FlowError('CONFIG_INVALID', `--older-than "${o.olderThan}" is not a span`, {
      hint: 'write e.g. 30d, 12h',
    });
  return withApp({ db: o.db, mustExist: true }, {}, async (app) => {
    const removed = await app.errors.purge(span);
    process.stdout.write(
      `${removed} retried or resolved error records older than ${o.olderThan} removed (open ones are kept)\n`,
    );
    return 0;
  });
}
