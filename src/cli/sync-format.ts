import type { SyncInfo } from '../app/index.js';
import { FlowError, type Json } from '../sdk/index.js';
import type { CliRedaction } from './cli-redaction.js';

/** A time for tables: `2026-12-07 10:00:00`, `-` when none. */
export const when = (d: Date | null | undefined): string => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '-');

/** A value in one table cell: compact JSON (text as is), cut to `max` characters with `…`. */
export function cell(value: Json | undefined, max = 40): string {
  const text = value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(1, max - 1))}…`;
}

/** A change cursor value as its source gave it (`-` when none). */
export const changed = (value: Json): string =>
  value === null ? '-' : typeof value === 'string' ? value : JSON.stringify(value);

/** The command line that runs the sync (its flow file when known). */
export const runLine = (sync: SyncInfo): string => `syncline run ${sync.file ?? '<file>'} ${sync.name}`;

/** A positive whole number id (`what`: how the message names it). */
export function parseId(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new FlowError('CONFIG_INVALID', `"${text}" is not a valid ${what}`, {
      hint: 'ids are positive whole numbers, as the list commands show them',
    });
  return n;
}

/** Writes text to stdout with the loaded flow files' secrets masked. */
export const printer =
  (redaction: CliRedaction | undefined) =>
  (text: string): void => {
    process.stdout.write(redaction?.redact(text) ?? text);
  };

/** Prints `value` as JSON (with the secrets masked). */
export function printJson(value: unknown, redaction: CliRedaction | undefined): void {
  printer(redaction)(`${JSON.stringify(value, null, 2)}\n`);
}

/** The masking note under a listing: which values are masked and how to see them. */
export function maskNote(sync: SyncInfo, unmask: boolean | undefined): string {
  if (unmask) return '';
  if (!sync.def)
    return `  (values masked: the flow file of sync ${sync.name} is unknown; pass --file to mask only its pii fields, or --unmask)\n`;
  const pii = sync.def.pii ?? [];
  return pii.length > 0 ? `  (masked: ${pii.join(', ')}; --unmask shows them)\n` : '';
}
