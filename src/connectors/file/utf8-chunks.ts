import { isUtf8 } from 'node:buffer';

/**
 * One chunk of a UTF-8 file decoded strictly: invalid byte sequences become U+FFFD in `text`, and
 * `invalid` says where (character index in `text` and how many bytes the sequence had), so a source
 * can refuse the records that hold them and byte offsets stay exact.
 */
export interface DecodedChunk {
  readonly text: string;
  /** Ascending character indexes in `text` of the U+FFFD that replace invalid bytes, with their byte counts. */
  readonly invalid: readonly InvalidBytes[];
}

export interface InvalidBytes {
  readonly index: number;
  readonly bytes: number;
}

/** How many bytes a sequence starting with `lead` has (0: not a valid lead byte). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function isContinuation(b: number | undefined): boolean {
  return b !== undefined && (b & 0xc0) === 0x80;
}

/** Length of the valid sequence at `i` (1–4), or 0 when the bytes there are not valid UTF-8. */
function validAt(buf: Buffer, i: number): number {
  const lead = buf[i] as number;
  const n = sequenceLength(lead);
  if (n <= 1) return n;
  if (i + n > buf.length) return 0;
  const b1 = buf[i + 1] as number;
  if (!isContinuation(b1)) return 0;
  // overlong forms, surrogates and code points above U+10FFFF
  if (lead === 0xe0 && b1 < 0xa0) return 0;
  if (lead === 0xed && b1 > 0x9f) return 0;
  if (lead === 0xf0 && b1 < 0x90) return 0;
  if (lead === 0xf4 && b1 > 0x8f) return 0;
  for (let k = 2; k < n; k++) if (!isContinuation(buf[i + k])) return 0;
  return n;
}

/**
 * Where an unfinished multi-byte sequence at the end of `buf` begins (buf.length when it ends on a
 * character boundary): its bytes belong with the next chunk.
 */
export function incompleteTail(buf: Buffer): number {
  const len = buf.length;
  for (let back = 1; back <= 3 && back <= len; back++) {
    const b = buf[len - back] as number;
    if (isContinuation(b)) continue;
    const n = sequenceLength(b);
    return n > back ? len - back : len;
  }
  return len;
}

/** Decodes complete UTF-8 bytes; the fast path (valid input) is Node's own decoder. */
export function decodeUtf8(buf: Buffer): DecodedChunk {
  if (isUtf8(buf)) return { text: buf.toString('utf8'), invalid: [] };
  const parts: string[] = [];
  const invalid: InvalidBytes[] = [];
  let length = 0;
  let start = 0;
  let i = 0;
  while (i < buf.length) {
    const n = validAt(buf, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > start) {
      const part = buf.toString('utf8', start, i);
      parts.push(part);
      length += part.length;
    }
    // one invalid sequence: a lead byte with some of its continuation bytes, or one stray byte
    let j = i + 1;
    const lead = sequenceLength(buf[i] as number);
    while (lead > 1 && j < buf.length && j < i + lead && isContinuation(buf[j])) j++;
    invalid.push({ index: length, bytes: j - i });
    parts.push('\ufffd');
    length += 1;
    i = j;
    start = j;
  }
  if (start < buf.length) parts.push(buf.toString('utf8', start));
  return { text: parts.join(''), invalid };
}

/**
 * Stands in for invalid bytes inside a UTF-8 stream that a parser decodes itself (JSON documents):
 * U+10FFFF is a noncharacter, "permanently reserved for internal use", so real text does not hold it.
 */
export const INVALID_MARK = '\u{10FFFF}';
const MARK_BYTES = Buffer.from(INVALID_MARK, 'utf8');

/**
 * Rewrites a stream of UTF-8 chunks so that each invalid byte sequence becomes INVALID_MARK;
 * `seen` turns true at the first one (until then nothing needs checking).
 */
export function utf8Guard(): { transform(chunk: Buffer, final: boolean): Buffer; readonly seen: boolean } {
  let carry: Buffer | undefined;
  let seen = false;
  return {
    get seen() {
      return seen;
    },
    transform(chunk, final) {
      const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      const tail = final ? buf.length : incompleteTail(buf);
      carry = tail < buf.length ? Buffer.from(buf.subarray(tail)) : undefined;
      const body = buf.subarray(0, tail);
      const decoded = decodeUtf8(body);
      if (decoded.invalid.length === 0) return body;
      seen = true;
      const text = decoded.text;
      const parts: Buffer[] = [];
      let from = 0;
      for (const bad of decoded.invalid) {
        parts.push(Buffer.from(text.slice(from, bad.index), 'utf8'), MARK_BYTES);
        from = bad.index + 1;
      }
      parts.push(Buffer.from(text.slice(from), 'utf8'));
      return Buffer.concat(parts);
    },
  };
}
