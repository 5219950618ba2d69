import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type Context,
  type DataRecord,
  defineStep,
  type Failed,
  FlowError,
  type JsonObject,
  type Processor,
  type ProcessResult,
  parseDuration,
  withData,
} from '../sdk/index.js';
import { parseMemorySize, type ScriptConfig, scriptConfigSchema } from './script-config.js';
import { entryError, failureError, GARBLED, located, type ScriptNames } from './script-errors.js';
import type { Entry, RunOutput } from './script-results.js';
import { decodeOutput } from './script-results.js';
import { openSandbox, type Sandbox, type SandboxLimits, ScriptLoadError } from './script-sandbox.js';

/** Records per call into the sandbox, and JSON characters per call: one crossing per chunk, bounded memory. */
const CHUNK_RECORDS = 1000;
const CHUNK_CHARS = 256 * 1024;

/** A script step's processor; `close` frees its QuickJS runtime at once (otherwise the garbage collector does). */
export interface ScriptProcessor extends Processor {
  close(): void;
}

interface Script extends ScriptNames {
  readonly where: string;
  readonly limits: SandboxLimits;
  readonly code: string;
}

function readScript(config: ScriptConfig, where: string, ctx: Context): string {
  if (config.code !== undefined) return config.code;
  const file = config.file as string;
  const path = isAbsolute(file) ? file : resolve(ctx.baseDir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FlowError('FILE_NOT_FOUND', `cannot read the script ${path}`, {
      where,
      hint: "Check `file:` (relative to the flow file's folder).",
      cause,
    });
  }
}

const show = (value: string | number) => (typeof value === 'number' ? `${value}ms` : value);

/** Several records out of one: ids `<id>#0`, `<id>#1`, … (one keeps the record's id and key). */
function outputsOf(record: DataRecord, data: readonly JsonObject[]): DataRecord[] {
  if (data.length === 1) return [withData(record, data[0] as JsonObject)];
  const { id, position } = record.meta;
  return data.map((d, i) => ({
    data: d,
    meta: position === undefined ? { id: `${id}#${i}` } : { id: `${id}#${i}`, position: `${position}[${i}]` },
  }));
}

function canceled(ctx: Context): FlowError {
  const reason: unknown = ctx.signal.reason;
  return reason instanceof FlowError ? reason : new FlowError('CANCELED', 'the run was canceled');
}

/** Runs records (or a page) through a sandbox, reopening it if a call breaks it. Calls never overlap. */
function scriptProcessor(script: Script, first: Sandbox): ScriptProcessor {
  let sandbox = first;
  /** Set after a script ran out of memory: its globals may still hold it, so the next call starts afresh. */
  let restart = false;
  let queue: Promise<unknown> = Promise.resolve();
  const usable = async (): Promise<Sandbox> => {
    if (restart || !sandbox.usable) {
      sandbox.dispose();
      sandbox = await openSandbox(script.code, script.limits);
      restart = false;
    }
    return sandbox;
  };
  const log = (ctx: Context, output: RunOutput, records: readonly DataRecord[], start: number) => {
    for (const line of output.logs) {
      const record = line.index >= 0 ? records[start + line.index] : undefined;
      const fields = { step: script.where, ...(record ? { record: record.meta.id } : {}) };
      if (line.level === 'warn') ctx.log.warn(fields, line.text);
      else ctx.log.debug(fields, line.text);
    }
    if (output.dropped > 0) ctx.log.warn({ step: script.where }, `${output.dropped} more console lines not logged`);
  };

  /** Per-record mode: one call per chunk; after a call that did not finish, the rest one by one. */
  const runRecords = async (records: readonly DataRecord[], ctx: Context): Promise<ProcessResult> => {
    const out: DataRecord[] = [];
    const failed: Failed[] = [];
    const texts = records.map((r) => JSON.stringify(r.data));
    const apply = (entry: Entry, record: DataRecord) => {
      if (entry.tag === 'e' && entry.kind === 'memory') restart = true;
      const error = entryError(script, entry, 'transform', 'record');
      if (error) failed.push({ record, error: located(error, script.where, record) });
      else if (entry.tag === 'o') out.push(withData(record, entry.data));
      else if (entry.tag === 'm') out.push(...outputsOf(record, entry.data));
    };
    const chunk = async (start: number, end: number): Promise<void> => {
      // a call holds the thread (up to the timeout): let timers and I/O run, and stop when canceled
      await nextTurn();
      if (ctx.signal.aborted) throw canceled(ctx);
      const box = await usable();
      const outcome = box.call('run', `[${texts.slice(start, end).join(',')}]`);
      if (outcome.ok) {
        const output = decodeOutput(outcome.text, end - start);
        if (output) {
          log(ctx, output, records, start);
          for (const [i, entry] of output.entries.entries()) apply(entry, records[start + i] as DataRecord);
          return;
        }
      }
      if (end - start === 1) {
        const record = records[start] as DataRecord;
        const error = outcome.ok ? new FlowError('SCRIPT_ERROR', GARBLED) : failureError(script, outcome, 'record');
        failed.push({ record, error: located(error, script.where, record) });
        return;
      }
      // keep what finished before the call stopped, then go on one record at a time
      let done = start;
      if (!outcome.ok && outcome.reason !== 'crash') {
        const partial = box.call('partial', '');
        const output = partial.ok ? decodeOutput(partial.text, -1) : undefined;
        if (output && output.entries.length <= end - start) {
          log(ctx, output, records, start);
          for (const [i, entry] of output.entries.entries()) apply(entry, records[start + i] as DataRecord);
          done = start + output.entries.length;
        }
        if (output?.entries.length === 0 && outcome.reason === 'timeout') {
          // the first record had the whole time to itself: no need to run it again alone
          const record = records[start] as DataRecord;
          failed.push({ record, error: located(failureError(script, outcome, 'record'), script.where, record) });
          done = start + 1;
        }
      }
      for (let i = done; i < end; i++) await chunk(i, i + 1);
    };
    let start = 0;
    while (start < records.length) {
      let end = start + 1;
      let chars = (texts[start] as string).length;
      while (end < records.length && end - start < CHUNK_RECORDS) {
        chars += (texts[end] as string).length + 1;
        if (chars > CHUNK_CHARS) break;
        end++;
      }
      await chunk(start, end);
      start = end;
    }
    return { records: out, failed };
  };

  /** Page mode: one call with every record; a failure fails them all. */
  const runPage = async (records: readonly DataRecord[], ctx: Context): Promise<ProcessResult> => {
    if (records.length === 0) return { records: [], failed: [] };
    if (ctx.signal.aborted) throw canceled(ctx);
    const box = await usable();
    const outcome = box.call('run', `[${records.map((r) => JSON.stringify(r.data)).join(',')}]`);
    const output = outcome.ok ? decodeOutput(outcome.text, 1) : undefined;
    const entry = output?.entries[0];
    if (output) log(ctx, output, records, 0);
    if (entry?.tag === 'e' && entry.kind === 'memory') restart = true;
    if (entry?.tag === 'm') {
      const same = entry.data.length === records.length;
      const first = (records[0] as DataRecord).meta.id;
      const last = (records[records.length - 1] as DataRecord).meta.id;
      const base = first === last ? first : `${first}..${last}`;
      const made = entry.data.map((data, i) =>
        same ? withData(records[i] as DataRecord, data) : { data, meta: { id: `${base}#${i}` } },
      );
      return { records: made, failed: [] };
    }
    const error =
      (entry && entryError(script, entry, 'transformPage', 'page')) ??
      (outcome.ok ? new FlowError('SCRIPT_ERROR', GARBLED) : failureError(script, outcome, 'page'));
    return { records: [], failed: records.map((record) => ({ record, error: located(error, script.where, record) })) };
  };

  const run = first.mode === 'page' ? runPage : runRecords;
  return {
    process(records, ctx) {
      const next = queue.then(() => run(records, ctx));
      queue = next.catch(() => undefined);
      return next;
    },
    close() {
      sandbox.dispose();
    },
  };
}

/**
 * `script:` — user JavaScript in a QuickJS sandbox (its own WebAssembly memory; no files,
 * environment, network or host objects). `transform(record)` returns the new data, null to drop
 * the record, or an array to emit several; `transformPage(records)` returns the page's records.
 * The script is compiled and its top-level code run when the step is created, so a syntax error
 * stops the flow before anything runs. A throw, a timeout or running out of memory fails that
 * record (or that page) and the others go on.
 */
export const scriptStep = defineStep<ScriptConfig>({
  type: 'script',
  description:
    'Runs JavaScript on each record (transform) or page (transformPage) in a sandbox with time and memory limits.',
  config: scriptConfigSchema,
  async create({ config, where }, ctx) {
    const timeoutMs = parseDuration(config.timeout) as number;
    const memoryBytes = parseMemorySize(config.memory) as number;
    const script: Script = {
      where,
      label: config.file ?? 'script',
      timeout: show(config.timeout),
      memory: typeof config.memory === 'number' ? `${config.memory} bytes` : config.memory,
      limits: { timeoutMs, memoryBytes },
      code: readScript(config, where, ctx),
    };
    try {
      return scriptProcessor(script, await openSandbox(script.code, script.limits));
    } catch (error) {
      if (!(error instanceof ScriptLoadError)) throw error;
      const at = error.line > 0 ? `${script.label} line ${error.line}:${error.column}: ` : '';
      throw new FlowError('CONFIG_BAD_SCRIPT', `${at}${error.message}`, { where });
    }
  },
});
