import { z } from 'zod';

const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `512kb`, `1mb`, `2048b` or a number of bytes; undefined when it is neither. */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb)\s*$/i.exec(value);
  return m ? Math.floor(Number(m[1]) * (units[(m[2] as string).toLowerCase()] as number)) || undefined : undefined;
}

/** A size in a config, turned into bytes. */
export const byteSizeSchema = z
  .union([z.number(), z.string()])
  .refine((v) => parseByteSize(v) !== undefined, 'a size like 512kb, 1mb or a number of bytes')
  .transform((v) => parseByteSize(v) as number);
