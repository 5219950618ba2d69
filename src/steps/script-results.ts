import { isJsonObject, type Json, type JsonObject } from '../sdk/index.js';

/** What the script made of one record (or of the page, with transformPage). See script-runner.ts. */
export type Entry =
  | { readonly tag: 'o'; readonly data: JsonObject }
  | { readonly tag: 'm'; readonly data: readonly JsonObject[] }
  | { readonly tag: 'd' }
  | { readonly tag: 'r'; readonly what: string }
  | {
      readonly tag: 'e';
      readonly kind: 'error' | 'memory' | 'thrown';
      readonly name: string;
      readonly message: string;
      readonly line: number;
      readonly column: number;
    };

export interface LogLine {
  /** The record's index within the call, -1 outside a record (page mode). */
  readonly index: number;
  readonly level: 'debug' | 'warn';
  readonly text: string;
}

export interface RunOutput {
  readonly entries: Entry[];
  readonly logs: LogLine[];
  /** console lines beyond the limit per call, not kept. */
  readonly dropped: number;
}

const text = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
const count = (v: Json | undefined): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);

function entryOf(raw: Json): Entry | undefined {
  if (!Array.isArray(raw)) return undefined;
  const [tag, a, b, c, d, e] = raw;
  switch (tag) {
    case 'o':
      return isJsonObject(a) ? { tag, data: a } : undefined;
    case 'm':
      return Array.isArray(a) && a.every(isJsonObject) ? { tag, data: a as JsonObject[] } : undefined;
    case 'd':
      return { tag };
    case 'r':
      return { tag, what: text(a) };
    case 'e':
      return {
        tag,
        kind: a === 'memory' || a === 'thrown' ? a : 'error',
        name: text(b),
        message: text(c),
        line: count(d),
        column: count(e),
      };
    default:
      return undefined;
  }
}

/**
 * The sandbox runner's answer, checked: undefined when it is not what the runner writes (a script
 * that replaced the built-ins the runner relies on can garble it).
 */
export function decodeOutput(output: string, expected: number): RunOutput | undefined {
  let raw: Json;
  try {
    raw = JSON.parse(output) as Json;
  } catch {
    return undefined;
  }
  if (!isJsonObject(raw) || !Array.isArray(raw.out) || !Array.isArray(raw.logs)) return undefined;
  if (expected >= 0 && raw.out.length !== expected) return undefined;
  const entries: Entry[] = [];
  for (const item of raw.out) {
    const entry = entryOf(item);
    if (entry === undefined) return undefined;
    entries.push(entry);
  }
  const logs: LogLine[] = [];
  for (const line of raw.logs) {
    if (!Array.isArray(line)) continue;
    const [index, level, message] = line;
    logs.push({
      index: typeof index === 'number' ? index : -1,
      level: level === 'warn' ? 'warn' : 'debug',
      text: text(message),
    });
  }
  return { entries, logs, dropped: count(raw.dropped) };
}
