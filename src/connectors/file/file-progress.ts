import { stat } from 'node:fs/promises';
import type { SourceProgress } from '../../sdk/index.js';

/** The file's size in bytes when it can be read now (undefined otherwise: no progress is reported). */
export async function fileSize(path: string): Promise<number | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? info.size : undefined;
}

/** A page's `progress` for a file read up to byte `offset` of `size`, or nothing when the size is unknown. */
export function progressAt(offset: number, size: number | undefined): { progress?: SourceProgress } {
  return size === undefined || size <= 0 ? {} : { progress: { done: Math.min(offset, size), total: size } };
}
