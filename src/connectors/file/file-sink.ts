import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
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

export function openFileSink(path: string, mode: WriteMode, display: string): FileSink {
  const target =
    mode === 'overwrite' ? join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`) : path;
  const stream: WriteStream = createWriteStream(target, {
    flags: mode === 'overwrite' ? 'w' : 'a',
    highWaterMark: 1 << 20,
  });
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
