import { z } from 'zod';
import { createRecord, type Failed, FlowError, type Json } from '../../sdk/index.js';
import { fileErrors } from './error-codes.js';
import type { TextEncoding } from './text-reader.js';

export const pageSize = z.number().int().positive().default(1000);

export const encoding = z
  .enum(['utf8', 'utf-8', 'latin1', 'utf16le', 'ascii'])
  .default('utf8')
  .transform((e): TextEncoding => (e === 'utf-8' ? 'utf8' : e));

/** What a line-based source does with bytes that are not valid UTF-8: a record error, or U+FFFD. */
export const invalidText = z.enum(['error', 'replace']).default('error');

/** The longest line (or record) a line-based source reads, in characters; longer ones are record errors. */
export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;
export const maxLineLength = z.number().int().positive().default(DEFAULT_MAX_LINE_LENGTH);

/** Checkpoint of the line-based sources: the byte offset after the page and the next line's number. */
export interface TextCheckpoint {
  readonly offset: number;
  readonly line: number;
  readonly header?: string[];
}

const textCheckpoint = z.object({
  offset: z.number().int().nonnegative(),
  line: z.number().int().positive(),
  header: z.array(z.string()).optional(),
});

export function parseTextCheckpoint(from: Json | undefined, where: string): TextCheckpoint | undefined {
  if (from === undefined || from === null) return undefined;
  const parsed = textCheckpoint.safeParse(from);
  if (!parsed.success) {
    throw new FlowError('CONFIG_INVALID', `checkpoint ${JSON.stringify(from)} is not a position in ${where}`, {
      where,
      hint: 'Run the flow from the start (the checkpoint was written by another source type).',
    });
  }
  return parsed.data;
}

const PREVIEW = 200;
const KEEP = 65_536;

/** A record whose bytes are not valid UTF-8: its text (invalid bytes as U+FFFD) as payload, and where. */
export function invalidTextRecord(raw: string, path: string, line: number, byteOffset: number): Failed {
  const text = raw.replace(/\r?\n$/, '');
  const where = `${path}:${line}`;
  return {
    record: createRecord({ raw: text.slice(0, KEEP) }, { id: `line:${line}`, position: where }),
    error: fileErrors.fail(
      'RECORD_INVALID_TEXT',
      `line ${line} holds bytes that are not valid UTF-8 (at byte offset ${byteOffset} of the file)`,
      {
        where,
        hint: "Set `encoding:` to the file's real encoding (latin1 for most older exports), correct the file, or set `invalidText: replace` to read such bytes as U+FFFD.",
      },
    ),
  };
}

/** A line longer than `maxLineLength`: its first 64 KiB as payload; the rest is skipped unread into memory. */
export function tooLongRecord(head: string, path: string, line: number, max: number): Failed {
  const where = `${path}:${line}`;
  return {
    record: createRecord({ raw: head.slice(0, KEEP) }, { id: `line:${line}`, position: where }),
    error: fileErrors.fail(
      'RECORD_TOO_LARGE',
      `line ${line} is longer than ${max.toLocaleString('en-US')} characters`,
      {
        where,
        hint: 'Check the file for a missing line break or binary content; raise `maxLineLength` on the source if such lines are real.',
      },
    ),
  };
}

/** A record the source could not read: its raw text (first 64 KiB) as payload, and where it is. */
export function malformedRecord(raw: string, path: string, line: number, problem: string): Failed {
  const text = raw.replace(/\r?\n$/, '');
  const preview = text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
  const where = `${path}:${line}`;
  return {
    record: createRecord({ raw: text.slice(0, KEEP) }, { id: `line:${line}`, position: where }),
    error: new FlowError('RECORD_MALFORMED', `${problem}: ${preview}`, { where }),
  };
}
