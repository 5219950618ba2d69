import { readFile } from 'node:fs/promises';
import { FlowError, isJsonObject, type JsonObject } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { ErrorFilter, ErrorRecordRow, ErrorStatus } from '../store/state-store.js';
import { formatTable } from './format-table.js';
import { loadFlowFile } from './load-project.js';
import { openEngine } from './open-engine.js';

export interface ErrorListOptions {
  db?: string;
  flow?: string;
  run?: string;
  status?: string;
  code?: string;
  limit: number;
  json?: boolean;
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

function toFilter(o: ErrorListOptions): ErrorFilter {
  if (o.status && !statuses.includes(o.status as ErrorStatus)) {
    throw new FlowError('CONFIG_INVALID', `unknown status "${o.status}"`, {
      hint: `use one of: ${statuses.join(', ')}`,
    });
  }
  return {
    ...(o.flow ? { flow: o.flow } : {}),
    ...(o.run ? { runId: parseId(o.run, 'run id') } : {}),
    ...(o.status ? { status: o.status as ErrorStatus } : {}),
    ...(o.code ? { code: o.code } : {}),
    limit: o.limit,
  };
}

export async function errorsList(o: ErrorListOptions): Promise<number> {
  const store = await openStore(o.db);
  try {
    const filter = toFilter(o);
    const [rows, total] = await Promise.all([
      store.listErrors(filter),
      store.countErrors({ ...filter, limit: undefined }),
    ]);
    if (o.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write('no error records match\n');
      return 0;
    }
    const table = rows.map((e) => [
      e.id,
      e.flow,
      e.runId,
      e.recordId,
      e.stage,
      e.code,
      e.status,
      e.attempts,
      e.message.replace(/\s+/g, ' ').slice(0, 70),
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

export function formatErrorRecord(e: ErrorRecordRow): string {
  const lines = [
    `error record ${e.id} (${e.status})`,
    `  flow:     ${e.flow}   run: ${e.runId}   record: ${e.recordId}`,
    `  stage:    ${e.stage}${e.field ? `   field: ${e.field}` : ''}`,
    `  error:    [${e.code}] ${e.message}`,
  ];
  if (e.hint) lines.push(`  hint:     ${e.hint}`);
  lines.push(
    `  attempts: ${e.attempts}   created: ${e.createdAt.toISOString()}   updated: ${e.updatedAt.toISOString()}`,
  );
  if (e.note) lines.push(`  note:     ${e.note}`);
  if (e.raw) lines.push(`  raw:      ${e.raw}`);
  lines.push(
    '  payload:',
    ...JSON.stringify(e.payload, null, 2)
      .split('\n')
      .map((l) => `    ${l}`),
  );
  return lines.join('\n');
}

export async function errorsShow(id: string, o: { db?: string; json?: boolean }): Promise<number> {
  const store = await openStore(o.db);
  try {
    const e = await store.getError(parseId(id));
    if (!e) throw new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
    process.stdout.write(o.json ? `${JSON.stringify(e, null, 2)}\n` : `${formatErrorRecord(e)}\n`);
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

/** Retries each id from its failed stage; exit 0 when all were delivered, 2 when some failed again. */
export async function errorsRetry(
  ids: readonly string[],
  o: { db?: string; file?: string; payload?: string },
): Promise<number> {
  if (o.payload && ids.length !== 1)
    throw new FlowError('CONFIG_INVALID', '--payload edits one record: give exactly one error record id');
  const payload = o.payload ? await readPayload(o.payload) : undefined;
  const engine = await openEngine(o.db);
  let failed = 0;
  try {
    for (const text of ids) {
      const id = parseId(text);
      const err = await engine.store.getError(id);
      if (!err) throw new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
      const run = await engine.store.getRun(err.runId);
      const file = o.file ?? run?.flowFile;
      if (!file)
        throw new FlowError('FILE_NOT_FOUND', `the flow file of error record ${id} is unknown`, {
          hint: 'pass it with --file <flow.yaml>',
        });
      const project = await loadFlowFile(file, engine.store);
      const outcome = await engine.retryError(project, id, payload ? { payload } : {});
      if (!outcome.ok) failed += 1;
      process.stdout.write(
        `error record ${id}: ${outcome.ok ? `retried, ${outcome.message}` : `failed again [${outcome.record.code}]: ${outcome.message}`}\n`,
      );
    }
  } finally {
    await engine.store.close();
  }
  return failed > 0 ? 2 : 0;
}

export async function errorsResolve(ids: readonly string[], o: { db?: string; note?: string }): Promise<number> {
  const store = await openStore(o.db);
  try {
    for (const text of ids) {
      const id = parseId(text);
      const e = await store.getError(id);
      if (!e) throw new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
      if (e.status !== 'open')
        throw new FlowError('ERROR_RECORD_RESOLVED', `error record ${id} is already ${e.status}`);
      await store.updateError(id, { status: 'resolved', note: o.note ?? null, updatedAt: new Date() });
      process.stdout.write(`error record ${id}: resolved${o.note ? ` (${o.note})` : ''}\n`);
    }
  } finally {
    await store.close();
  }
  return 0;
}
