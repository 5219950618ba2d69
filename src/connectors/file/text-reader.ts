import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileError } from './connection.js';

export type TextEncoding = 'utf8' | 'latin1' | 'utf16le' | 'ascii';

/** A window over a text file: the unconsumed rest of the previous window plus the next chunk. */
export interface TextWindow {
  readonly text: string;
  /** True when the file is read to its end: `text` holds everything that is left. */
  readonly final: boolean;
  /** Byte offset in the file of `text[index]` (index at a character boundary; cheap when called in ascending order). */
  byteAt(index: number): number;
}

export interface TextReader {
  /** Drops the first `consumed` characters of the current window and returns the next one (undefined at the end). */
  read(consumed: number): Promise<TextWindow | undefined>;
  close(): void;
}

export interface TextReaderOptions {
  /** Byte offset to start at (a checkpoint); 0 skips a byte-order mark. */
  readonly start: number;
  readonly encoding: TextEncoding;
  readonly highWaterMark?: number;
}

function makeWindow(text: string, start: number, final: boolean, encoding: TextEncoding): TextWindow {
  const bytes = Buffer.byteLength(text, encoding);
  const width = bytes === text.length ? 1 : encoding === 'utf16le' ? 2 : 0;
  if (width !== 0) return { text, final, byteAt: (index) => start + index * width };
  let markIndex = 0;
  let markByte = start;
  return {
    text,
    final,
    byteAt(index) {
      if (index < markIndex) {
        markIndex = 0;
        markByte = start;
      }
      markByte += Buffer.byteLength(text.slice(markIndex, index), encoding);
      markIndex = index;
      return markByte;
    },
  };
}

/**
 * Reads a text file in large chunks from a byte offset, keeping exact byte positions so a
 * parser can checkpoint "after this record" and a later read can resume there.
 */
export function openTextReader(path: string, options: TextReaderOptions): TextReader {
  const stream = createReadStream(path, { start: options.start, highWaterMark: options.highWaterMark ?? 1 << 20 });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = new StringDecoder(options.encoding);
  let current: TextWindow | undefined;
  let done = false;
  let first = options.start === 0;
  return {
    async read(consumed) {
      if (done) return undefined;
      const rest = current ? current.text.slice(consumed) : '';
      let start = current ? current.byteAt(consumed) : options.start;
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw fileError(error, path, 'read');
      }
      let text: string;
      if (next.done) {
        done = true;
        text = rest + decoder.end();
      } else {
        text = rest + decoder.write(next.value);
      }
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) {
          text = text.slice(1);
          start += Buffer.byteLength('\ufeff', options.encoding);
        }
      }
      // With a multi-byte character split across chunks the decoder holds its bytes back;
      // byte offsets stay right because they are computed from the decoded text.
      current = makeWindow(text, start, done, options.encoding);
      return current;
    },
    close() {
      stream.destroy();
    },
  };
}
