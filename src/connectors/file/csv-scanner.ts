/** What `CsvScanner.scan` found at the position it was given. */
export const SCAN_RECORD = 0;
export const SCAN_EMPTY = 1;
export const SCAN_MALFORMED = 2;
export const SCAN_MORE = 3;
export type ScanStatus = typeof SCAN_RECORD | typeof SCAN_EMPTY | typeof SCAN_MALFORMED | typeof SCAN_MORE;

/** A quoted field longer than this (in characters) is reported as never closed. */
export const MAX_FIELD_CHARS = 16 * 1024 * 1024;

export interface CsvScannerOptions {
  readonly delimiter: string;
  readonly quote: string;
  readonly trim: boolean;
}

/**
 * An RFC 4180 CSV scanner over a text window, one record per call, with no per-character
 * allocation: lines without a quote are split natively, quoted records take a careful path.
 * Records end at `\n` or `\r\n`; quotes inside quoted fields are doubled (`""`).
 */
export interface CsvScanner {
  /** Fields of the record just scanned (SCAN_RECORD). */
  fields: string[];
  /** Index after the record, empty line or malformed text, including its line break. */
  end: number;
  /** Line breaks consumed: add to the line number to get the next record's line. */
  lines: number;
  /** What is wrong (SCAN_MALFORMED). */
  error: string;
  /**
   * Scans from `pos`. SCAN_MORE means the window ends inside the record (or is exhausted):
   * call again with a longer window, or stop when it was final.
   */
  scan(text: string, pos: number, final: boolean): ScanStatus;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  let i = text.indexOf('\n', from);
  while (i >= 0 && i < to) {
    n++;
    i = text.indexOf('\n', i + 1);
  }
  return n;
}

export function createCsvScanner(options: CsvScannerOptions): CsvScanner {
  const { delimiter, quote, trim } = options;
  const D = delimiter.charCodeAt(0);
  const Q = quote.charCodeAt(0);
  let quoteText = '';
  let nextQuote = -2;

  const scanner: CsvScanner = {
    fields: [],
    end: 0,
    lines: 0,
    error: '',
    scan(text, pos, final) {
      const len = text.length;
      if (pos >= len) return SCAN_MORE;
      const c0 = text.charCodeAt(pos);
      if (c0 === LF || (c0 === CR && (pos + 1 >= len || text.charCodeAt(pos + 1) === LF))) {
        if (c0 === CR && pos + 1 >= len && !final) return SCAN_MORE;
        scanner.end = c0 === LF ? pos + 1 : Math.min(pos + 2, len);
        scanner.lines = scanner.end > pos + (c0 === LF ? 0 : 1) ? 1 : 0;
        return SCAN_EMPTY;
      }
      const nl = text.indexOf('\n', pos);
      if (nl < 0 && !final) return SCAN_MORE;
      const lineEnd = nl < 0 ? len : nl;
      if (text !== quoteText) {
        quoteText = text;
        nextQuote = -2;
      }
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf(quote, pos);
      if (nextQuote === -1 || nextQuote >= lineEnd) {
        const contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
        const fields = text.slice(pos, contentEnd).split(delimiter);
        if (trim) for (let i = 0; i < fields.length; i++) fields[i] = (fields[i] as string).trim();
        scanner.fields = fields;
        scanner.end = nl < 0 ? len : nl + 1;
        scanner.lines = nl < 0 ? 0 : 1;
        return SCAN_RECORD;
      }
      return scanQuoted(text, pos, final);
    },
  };

  function finish(text: string, pos: number, fields: string[], end: number): ScanStatus {
    scanner.fields = fields;
    scanner.end = end;
    scanner.lines = countLines(text, pos, end);
    return SCAN_RECORD;
  }

  /** Malformed from `pos`: skip to the end of the line where the problem is, so parsing goes on. */
  function malformed(text: string, pos: number, at: number, final: boolean, error: string): ScanStatus {
    const nl = text.indexOf('\n', at);
    if (nl < 0 && !final) return SCAN_MORE;
    scanner.end = nl < 0 ? text.length : nl + 1;
    scanner.lines = countLines(text, pos, scanner.end);
    scanner.error = error;
    return SCAN_MALFORMED;
  }

  function skipBlanks(text: string, i: number): number {
    let j = i;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c !== SPACE && c !== TAB) break;
      j++;
    }
    return j;
  }

  function scanQuoted(text: string, pos: number, final: boolean): ScanStatus {
    const len = text.length;
    const fields: string[] = [];
    let i = pos;
    for (;;) {
      if (trim) i = skipBlanks(text, i);
      if (i < len && text.charCodeAt(i) === Q) {
        let value = '';
        let s = i + 1;
        for (;;) {
          const j = text.indexOf(quote, s);
          if (j < 0 || j - i > MAX_FIELD_CHARS) {
            if (!final && len - i <= MAX_FIELD_CHARS) return SCAN_MORE;
            // Never closed: report the record's first line and go on with the next one.
            return malformed(text, pos, pos, final, `the quoted field ${fields.length + 1} is never closed`);
          }
          if (j + 1 >= len && !final) return SCAN_MORE;
          if (text.charCodeAt(j + 1) === Q) {
            value += text.slice(s, j + 1);
            s = j + 2;
            continue;
          }
          value += text.slice(s, j);
          i = j + 1;
          break;
        }
        if (trim) i = skipBlanks(text, i);
        if (i >= len) {
          if (!final) return SCAN_MORE;
          fields.push(value);
          return finish(text, pos, fields, len);
        }
        const c = text.charCodeAt(i);
        if (c === D) {
          fields.push(value);
          i++;
          continue;
        }
        if (c === LF) {
          fields.push(value);
          return finish(text, pos, fields, i + 1);
        }
        if (c === CR) {
          if (i + 1 >= len) {
            if (!final) return SCAN_MORE;
            fields.push(value);
            return finish(text, pos, fields, len);
          }
          if (text.charCodeAt(i + 1) === LF) {
            fields.push(value);
            return finish(text, pos, fields, i + 2);
          }
        }
        return malformed(
          text,
          pos,
          i,
          final,
          `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${fields.length + 1}; ` +
            'quote the whole field and double the quotes inside it ("")',
        );
      }
      let j = i;
      let c = 0;
      while (j < len) {
        c = text.charCodeAt(j);
        if (c === D || c === LF || c === Q) break;
        if (c === CR && j + 1 < len && text.charCodeAt(j + 1) === LF) break;
        j++;
      }
      if (j >= len) {
        if (!final) return SCAN_MORE;
        const last = text.slice(i, len);
        fields.push(trim ? last.trim() : last);
        return finish(text, pos, fields, len);
      }
      if (c === Q) {
        return malformed(
          text,
          pos,
          j,
          final,
          `a quote inside the unquoted field ${fields.length + 1}; ` +
            'quote the whole field and double the quotes inside it ("")',
        );
      }
      const value = text.slice(i, j);
      fields.push(trim ? value.trim() : value);
      if (c === D) {
        i = j + 1;
        continue;
      }
      return finish(text, pos, fields, c === LF ? j + 1 : j + 2);
    }
  }

  return scanner;
}
