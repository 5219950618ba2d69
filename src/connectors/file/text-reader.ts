import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileError } from './connection.js';
import { decodeUtf8, type InvalidBytes, incompleteTail } from './utf8-chunks.js';

export type TextEncoding = 'utf8' | 'latin1' | 'utf16le' | 'ascii';

/** A window over a text file: the unconsumed rest of the previous window plus the next chunk. */
export interface TextWindow {
  readonly text: string;
  /** True when the file is read to its end: `text` holds everything that is left. */
  readonly final: boolean;
  /**
   * UTF-8 only: ascending indexes in `text` of the U+FFFD characters that stand for invalid bytes in
   * the file (empty for valid text). A source refuses the records that hold one, unless told to replace.
   */
  readonly invalid: readonly InvalidBytes[];
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

/** The first invalid-bytes entry of `window` in text[from, to), if any. */
export function invalidBetween(window: TextWindow, from: number, to: number): InvalidBytes | undefined {
  const list = window.invalid;
  if (list.length === 0) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as InvalidBytes).index < from) lo = mid + 1;
    else hi = mid;
  }
  const found = list[lo];
  return found !== undefined && found.index < to ? found : undefined;
}

function makeWindow(
  text: string,
  start: number,
  final: boolean,
  encoding: TextEncoding,
  invalid: readonly InvalidBytes[],
): TextWindow {
  if (invalid.length === 0) {
    const bytes = Buffer.byteLength(text, encoding);
    const width = bytes === text.length ? 1 : encoding === 'utf16le' ? 2 : 0;
    if (width !== 0) return { text, final, invalid, byteAt: (index) => start + index * width };
  }
  let markIndex = 0;
  let markByte = start;
  let markInvalid = 0;
  return {
    text,
    final,
    invalid,
    byteAt(index) {
      if (index < markIndex) {
        markIndex = 0;
        markByte = start;
        markInvalid = 0;
      }
      markByte += Buffer.byteLength(text.slice(markIndex, index), encoding);
      // a U+FFFD standing for invalid bytes counts as those bytes, not as its own three
      while (markInvalid < invalid.length && (invalid[markInvalid] as InvalidBytes).index < index) {
        markByte += (invalid[markInvalid] as InvalidBytes).bytes - 3;
        markInvalid++;
      }
      markIndex = index;
      return markByte;
    },
  };
}

/** Decodes chunks: strict UTF-8 (invalid bytes reported), or Node's decoder for the other encodings. */
interface ChunkDecoder {
  write(chunk: Buffer): { text: string; invalid: readonly InvalidBytes[] };
  end(): { text: string; invalid: readonly InvalidBytes[] };
}

function utf8Decoder(): ChunkDecoder {
  let carry: Buffer | undefined;
  return {
    write(chunk) {
      const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      const tail = incompleteTail(buf);
      carry = tail < buf.length ? Buffer.from(buf.subarray(tail)) : undefined;
      return decodeUtf8(buf.subarray(0, tail));
    },
    end() {
      const rest = carry;
      carry = undefined;
      return rest === undefined ? { text: '', invalid: [] } : decodeUtf8(rest);
    },
  };
}

function nodeDecoder(encoding: TextEncoding): ChunkDecoder {
  const decoder = new StringDecoder(encoding);
  return {
    write: (chunk) => ({ text: decoder.write(chunk), invalid: [] }),
    end: () => ({ text: decoder.end(), invalid: [] }),
  };
}

/**
 * Reads a text file in large chunks from a byte offset, keeping exact byte positions so a
 * parser can checkpoint "after this record" and a later read can resume there. UTF-8 is decoded
 * strictly: invalid bytes are marked (`TextWindow.invalid`), never silently replaced.
 */
export function openTextReader(path: string, options: TextReaderOptions): TextReader {
  const stream = createReadStream(path, { start: options.start, highWaterMark: options.highWaterMark ?? 1 << 20 });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = options.encoding === 'utf8' ? utf8Decoder() : nodeDecoder(options.encoding);
  let current: TextWindow | undefined;
  let done = false;
  let first = options.start === 0;
  return {
    async read(consumed) {
      if (done) return undefined;
      const rest = current ? current.text.slice(consumed) : '';
      const restInvalid = current ? current.invalid.filter((x) => x.index >= consumed) : [];
      let start = current ? current.byteAt(consumed) : options.start;
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw fileError(error, path, 'read');
      }
      let decoded: { text: string; invalid: readonly InvalidBytes[] };
      if (next.done) {
        done = true;
        decoded = decoder.end();
      } else {
        decoded = decoder.write(next.value);
      }
      let text = rest + decoded.text;
      let invalid: InvalidBytes[] = [];
      if (restInvalid.length > 0 || decoded.invalid.length > 0) {
        invalid = restInvalid.map((x) => ({ index: x.index - consumed, bytes: x.bytes }));
        for (const x of decoded.invalid) invalid.push({ index: x.index + rest.length, bytes: x.bytes });
      }
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) {
          text = text.slice(1);
          start += Buffer.byteLength('\ufeff', options.encoding);
          if (invalid.length > 0) invalid = invalid.map((x) => ({ index: x.index - 1, bytes: x.bytes }));
        }
      }
      // With a multi-byte character split across chunks the decoder holds its bytes back;
      // byte offsets stay right because they are computed from the decoded text.
      current = makeWindow(text, start, done, options.encoding, invalid);
      return current;
    },
    close() {
      stream.destroy();
    },
  };
}
