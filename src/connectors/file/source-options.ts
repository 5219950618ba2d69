import { z } from 'zod';
import { createRecord, type Failed, FlowError, type Json } from '../../sdk/index.js';
import type { TextEncoding } from './text-reader.js';

export const pageSize = z.number().int().positive().default(1000);

export const encoding = z
  .enum(['utf8', 'utf-8', 'latin1', 'utf16le', 'ascii'])
  .default('utf8')
  .transform((e): TextEncoding => (e === 'utf-8' ? 'utf8' : e));

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

/** A record the source could not read: its raw text (first 64 KiB) as payload, and where it is. */
export function malformedRecord(raw: string, path: string, line: number, problem: string): Failed {
  const text = raw.replace(/\r?\n$/, '');
  const preview = text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
  const where = `${path}:${line}`;
  return {
    record: createRecord({ raw: text.slice(0, 65_536) }, { id: `line:${line}`, position: where }),
    error: new FlowError('RECORD_MALFORMED', `${problem}: ${preview}`, { where }),
  };
}
