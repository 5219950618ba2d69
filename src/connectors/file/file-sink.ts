import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, type FileHandle, open, rename, rm, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FlowError } from '../../sdk/index.js';
import { fileError } from './connection.js';

export type WriteMode = 'overwrite' | 'append';

/**
 * A file being written. Overwrite mode writes a temporary file next to the target and renames
 * it over the target on `close`, so a crash never leaves a half-written file in place of the
 * old one; append mode writes to the target directly.
 */
export interface FileSink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  /** Stops writing; in overwrite mode the temporary file is removed and the old target stays. */
  abort(): Promise<void>;
}

const tempPath = (path: string) => join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);

export function openFileSink(path: string, mode: WriteMode, display: string): FileSink {
  return sinkOver(path, mode === 'overwrite' ? tempPath(path) : path, mode === 'overwrite' ? 'w' : 'a', display);
}

/**
 * Overwrite mode over a copy of the target's first `keep` bytes: what is written is added after
 * them, and the copy replaces the target on `close` (the target is untouched until then). For
 * adding to a file whose end must be rewritten, such as a JSON array's closing `]`.
 */
export async function openExtendingSink(path: string, keep: number, display: string): Promise<FileSink> {
  const temp = tempPath(path);
  try {
    await copyFile(path, temp);
    await truncate(temp, keep);
  } catch (error) {
    await rm(temp, { force: true });
    throw fileError(error, display, 'copy');
  }
  return sinkOver(path, temp, 'a', display);
}

/**
 * What a destination must know of the target it adds to (the header of a CSV file, where a JSON array
 * ends): `read` gets the file open for reading, and it is closed after. Undefined when there is no file.
 */
export async function readExisting<T>(
  path: string,
  display: string,
  read: (handle: FileHandle) => Promise<T | undefined>,
): Promise<T | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw fileError(error, display, 'open');
  }
  try {
    return await read(handle);
  } finally {
    await handle.close();
  }
}

/** Writes to `target`; when it is not `path`, it is a temporary file renamed over `path` on close. */
function sinkOver(path: string, target: string, flags: 'w' | 'a', display: string): FileSink {
  const mode: WriteMode = target === path ? 'append' : 'overwrite';
  const stream: WriteStream = createWriteStream(target, { flags, highWaterMark: 1 << 20 });
  let failure: FlowError | undefined;
  stream.on('error', (error) => {
    failure ??= fileError(error, display, 'write');
  });
  let closed = false;
  const end = async () => {
    closed = true;
    if (stream.closed) return;
    const done = once(stream, 'close').catch(() => undefined);
    stream.end();
    await done;
  };
  const check = () => {
    if (failure) throw failure;
    if (closed) throw new FlowError('INTERNAL', `${display} is already closed`, { kind: 'system', where: display });
  };
  return {
    async write(text) {
      check();
      if (!stream.write(text)) {
        await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
      }
      if (failure) throw failure;
    },
    async abort() {
      if (closed) return;
      await end();
      if (mode === 'overwrite') await rm(target, { force: true });
    },
    async close() {
      if (closed) return;
      await end();
      if (failure) {
        if (mode === 'overwrite') await rm(target, { force: true });
        throw failure;
      }
      if (mode === 'overwrite') {
        try {
          await rename(target, path);
        } catch (error) {
          await rm(target, { force: true });
          throw fileError(error, display, 'replace');
        }
      }
    },
  };
}
