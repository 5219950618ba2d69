import { z } from 'zod';
import { durationSchema, MAX_BLOCKING_MS, parseDuration, RUN_LEASE_MS } from '../sdk/index.js';

const sizeUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `64MB`, `512kb`, `1gb` or a number of bytes; undefined when it is neither. */
export function parseMemorySize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i.exec(value);
  return m ? Math.floor(Number(m[1]) * (sizeUnits[(m[2] as string).toLowerCase()] as number)) || undefined : undefined;
}

/** QuickJS's WebAssembly module needs 16MB to start. */
export const MIN_SCRIPT_MEMORY = 16 * 1024 ** 2;
export const MAX_SCRIPT_MEMORY = 1024 ** 3;

/** `script:` — user JavaScript run in a QuickJS sandbox, on each record (`transform`) or page (`transformPage`). */
export const scriptConfigSchema = z
  .strictObject({
    /** The script, inline: defines `function transform(record)` or `function transformPage(records)`. */
    code: z.string().min(1).optional(),
    /** Or a .js file holding it (relative to the flow file's folder). */
    file: z.string().min(1).optional(),
    /**
     * Longest time one call may run (one record, or one page with transformPage): `1s`, `500ms`; at most
     * 30s, since a running script blocks the run's lease renewals (the lease window is 60 s).
     */
    timeout: durationSchema
      .refine((v) => (parseDuration(v) ?? 0) > 0, 'a time limit above zero, like 1s or 500ms')
      .refine(
        (v) => (parseDuration(v) ?? 0) <= MAX_BLOCKING_MS,
        `at most ${MAX_BLOCKING_MS / 1000}s: a script call blocks the process, and a run that cannot renew its lease for ${RUN_LEASE_MS / 1000} s loses its flow to another run; do the slow work in a connector, or split it over records`,
      )
      .default('1s'),
    /** The sandbox's memory, a fixed WebAssembly memory: `64MB`, `256MB` (16MB to 1GB). */
    memory: z
      .union([z.string(), z.number()])
      .refine((v) => {
        const bytes = parseMemorySize(v);
        return bytes !== undefined && bytes >= MIN_SCRIPT_MEMORY && bytes <= MAX_SCRIPT_MEMORY;
      }, 'a size from 16MB to 1GB, like 64MB')
      .default('64MB'),
  })
  .refine((c) => (c.code === undefined) !== (c.file === undefined), {
    message: 'give the script inline with `code:` or in a .js file with `file:` (one of them)',
  });

export type ScriptConfig = z.infer<typeof scriptConfigSchema>;
