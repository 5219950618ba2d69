import { LineCounter } from 'yaml';

/**
 * A fast reader for the plain subset of YAML that flow files are mostly written in: block maps and
 * lists, flow maps and lists (over several lines too, as formatters write them), plain and one-line
 * quoted scalars, comments. It gives the values `yaml` gives (`parseDocument(…).toJS()`) and where
 * each key and value starts, in one pass over the lines, without the parser's token tree and nodes
 * (a file of 10,000 flows: ~0.5 s and ~40 MB, where the full parser takes ~4 s and ~600 MB).
 *
 * Anything outside the subset — anchors, aliases, tags, merge keys, block scalars (`|`, `>`),
 * scalars over several lines, keys that are not strings, tabs, `\r`, several documents,
 * directives, and anything malformed — makes it give up (`undefined`): the full parser then reads
 * the file and reports its errors as before. yaml-subset.test.ts holds it to the full parser's
 * values and locations on every example and docs snippet.
 */

/**
 * Where the parts of a map or list start (offsets in the text): for a map `[key, keyOffset,
 * valueOffset, …]` in the order read (a repeated key appears again, later), for a list the
 * offset of each item. Flat arrays: a file of 10,000 flows has ~150,000 maps and lists.
 */
export type Spots = readonly (string | number)[];

export interface ValueTree {
  /** The document's value: maps are plain objects, lists arrays. */
  readonly value: unknown;
  /** Where the document's value starts. */
  readonly start: number;
  /** The spots of each map and list of `value`. */
  readonly spots: WeakMap<object, Spots>;
  /** Keys that appear a second time in their map (the last one is in effect, as with `yaml`). */
  readonly duplicates: readonly { readonly key: string; readonly offset: number }[];
  /** Every line start, as a `LineCounter` of the full parser holds them. */
  readonly lineCounter: LineCounter;
}

/** A line holding something other than blanks or a comment. */
interface Line {
  readonly start: number;
  readonly indent: number;
  /** Offset of the line end (`\n` or the end of the text). */
  readonly end: number;
}

class GiveUp extends Error {}

function giveUp(): never {
  throw new GiveUp();
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under YAML 1.2's core schema, tested in the order `yaml` tests its tags. */
function plainValue(source: string): unknown {
  // most scalars are words: only these first characters can start a null, a boolean or a number
  const first = source.charCodeAt(0);
  const digit = first >= 48 && first <= 57;
  if (!digit && source !== '' && !'~nNtTfF.+-'.includes(source[0] as string)) return source;
  if (NULL.test(source)) return null;
  if (BOOL.test(source)) return source[0] === 't' || source[0] === 'T';
  if (INT_OCT.test(source)) return Number.parseInt(source.substring(2), 8);
  if (INT.test(source)) return Number.parseInt(source, 10);
  if (INT_HEX.test(source)) return Number.parseInt(source.substring(2), 16);
  if (FLOAT_NAN.test(source)) {
    if (source.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (FLOAT_EXP.test(source) || FLOAT.test(source)) return Number.parseFloat(source);
  return source;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  '"': '"',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  e: '\x1b',
  ' ': ' ',
};

/** Characters that cannot start a plain scalar (or start something outside the subset). */
const NOT_PLAIN = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

type Container = Record<string, unknown> | unknown[];

class Reader {
  readonly lines: Line[] = [];
  readonly lineCounter = new LineCounter();
  readonly spots = new WeakMap<object, Spots>();
  readonly duplicates: { key: string; offset: number }[] = [];
  private i = 0;
  /** The indentation of the key or `-` holding the flow map or list being read. */
  private flowIndent = -1;
  /** One copy of each key and short word: a file of 10,000 flows repeats the same few thousand times. */
  private readonly strings = new Map<string, string>();

  private intern(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  /** A plain scalar's value; a short word is kept once (types, connection names, operations repeat). */
  private plain(source: string): unknown {
    const value = plainValue(source);
    return typeof value === 'string' && value.length <= 32 ? this.intern(value) : value;
  }

  /** The spots, in an array of their own size (a grown array keeps room for more). */
  private setSpots(container: object, spots: (string | number)[]): void {
    this.spots.set(container, spots.slice());
  }

  constructor(private readonly text: string) {
    let start = 0;
    this.lineCounter.addNewLine(0);
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      let p = start;
      while (text.charCodeAt(p) === 32) p++;
      const first = text[p];
      if (p < end && first !== '#') {
        if (p === start && (first === '%' || /^(?:---|\.\.\.)(?:[ \n]|$)/.test(text.slice(p, p + 4)))) giveUp();
        this.lines.push({ start, indent: p - start, end });
      }
      if (end < text.length) this.lineCounter.addNewLine(end + 1);
      start = end + 1;
    }
  }

  document(): { value: Container; start: number } {
    const first = this.lines[0];
    if (first === undefined) giveUp();
    const start = first.start + first.indent;
    if (this.text[start] === '{' || this.text[start] === '[') giveUp();
    const value = this.block(first.indent, -1);
    if (this.i < this.lines.length) giveUp();
    return { value, start };
  }

  private isItem(line: Line): boolean {
    const p = line.start + line.indent;
    return this.text[p] === '-' && (p + 1 === line.end || this.text[p + 1] === ' ');
  }

  /**
   * A block map or list whose first line is the current one, at `indent` (or a flow map or list
   * starting on that line, under a key or `-` at `parent`).
   */
  private block(indent: number, parent: number): Container {
    const line = this.lines[this.i] as Line;
    const first = this.text[line.start + indent];
    if (first === '{' || first === '[') {
      const value = this.inlineValue(line.start + indent, parent) as Container;
      this.i++;
      return value;
    }
    return this.isItem(line) ? this.sequence(indent) : this.map(line.start + indent, indent);
  }

  private sequence(indent: number): unknown[] {
    const seq: unknown[] = [];
    const items: number[] = [];
    for (let line = this.lines[this.i]; line?.indent === indent && this.isItem(line); line = this.lines[this.i]) {
      let p = line.start + indent + 1;
      while (this.text.charCodeAt(p) === 32) p++;
      if (p >= line.end || this.text[p] === '#') {
        // `-` alone: the item is the block below it
        this.i++;
        const next = this.lines[this.i];
        if (next === undefined || next.indent <= indent) giveUp();
        items.push(next.start + next.indent);
        seq.push(this.block(next.indent, indent));
      } else if (this.text[p] === '-' && (p + 1 === line.end || this.text[p + 1] === ' ')) {
        giveUp();
      } else if (this.keyEnd(p, line.end) !== -1) {
        // `- key: value`: a map whose keys line up with this first one
        items.push(p);
        seq.push(this.map(p, p - line.start));
      } else {
        items.push(p);
        seq.push(this.inlineValue(p, indent));
        this.i++;
        this.noContinuation(indent);
      }
    }
    this.setSpots(seq, items);
    return seq;
  }

  /** A later line indented deeper than its block would continue a scalar over several lines. */
  private noContinuation(indent: number): void {
    const next = this.lines[this.i];
    if (next !== undefined && next.indent > indent) giveUp();
  }

  /**
   * The offset just past a key's `:` (followed by a space or the line end) when the text at `p`
   * is `key:`; -1 when it is not a key.
   */
  private keyEnd(p: number, end: number): number {
    const text = this.text;
    const q = text[p];
    if (q === '{' || q === '[') return -1;
    if (q === '"' || q === "'") {
      const close = this.quotedEnd(p, end);
      return text[close] === ':' && (close + 1 === end || text[close + 1] === ' ') ? close + 1 : -1;
    }
    for (let c = p; c < end; c++) {
      const ch = text[c];
      if (ch === ':' && (c + 1 === end || text[c + 1] === ' ')) return c + 1;
      if (ch === '#' && text[c - 1] === ' ') return -1;
    }
    return -1;
  }

  /** The offset just past the closing quote of the quoted scalar at `p` (on one line). */
  private quotedEnd(p: number, end: number): number {
    const text = this.text;
    const quote = text[p];
    for (let c = p + 1; c < end; c++) {
      const ch = text[c];
      if (quote === '"' && ch === '\\') c++;
      else if (ch === quote) {
        if (quote === "'" && text[c + 1] === "'") c++;
        else return c + 1;
      }
    }
    return giveUp();
  }

  private quoted(p: number, close: number): string {
    const text = this.text;
    const body = text.slice(p + 1, close - 1);
    if (text[p] === "'") return body.replaceAll("''", "'");
    if (!body.includes('\\')) return body;
    let value = '';
    for (let c = 0; c < body.length; c++) {
      const ch = body[c] as string;
      if (ch !== '\\') {
        value += ch;
        continue;
      }
      const e = body[++c] ?? '';
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex > 0) {
        const digits = body.slice(c + 1, c + 1 + hex);
        if (digits.length !== hex || !/^[0-9a-fA-F]+$/.test(digits)) giveUp();
        value += String.fromCodePoint(Number.parseInt(digits, 16));
        c += hex;
      } else {
        const escaped = ESCAPES[e];
        if (escaped === undefined) giveUp();
        value += escaped;
      }
    }
    return value;
  }

  /** Sets a map entry; a key seen before is recorded as a duplicate (the last one is in effect). */
  private put(
    map: Record<string, unknown>,
    spots: (string | number)[],
    key: string,
    keyAt: number,
    value: unknown,
    at: number,
  ) {
    // `__proto__` is no plain key of an object; a key holding a `${…}` (protected) is left to the full parser
    if (key === '__proto__' || key.includes('\uE000')) giveUp();
    const name = this.intern(key);
    if (Object.hasOwn(map, name)) this.duplicates.push({ key: name, offset: keyAt });
    map[name] = value;
    spots.push(name, keyAt, at);
  }

  /** A block map whose first key starts at `p`, its other keys on lines indented by `indent`. */
  private map(p: number, indent: number): Record<string, unknown> {
    const text = this.text;
    const map: Record<string, unknown> = {};
    const spots: (string | number)[] = [];
    let keyStart = p;
    for (;;) {
      const line = this.lines[this.i] as Line;
      const colonEnd = this.keyEnd(keyStart, line.end);
      if (colonEnd === -1) giveUp();
      const key = this.key(keyStart, colonEnd - 1);
      let v = colonEnd;
      while (text.charCodeAt(v) === 32) v++;
      let value: unknown;
      let at = v;
      if (v >= line.end || text[v] === '#') {
        this.i++;
        const next = this.lines[this.i];
        if (next !== undefined && next.indent > indent) {
          at = next.start + next.indent;
          value = this.block(next.indent, indent);
        } else if (next !== undefined && next.indent === indent && this.isItem(next)) {
          at = next.start + next.indent;
          value = this.sequence(indent);
        } else value = null;
      } else {
        value = this.inlineValue(v, indent);
        this.i++;
        this.noContinuation(indent);
      }
      this.put(map, spots, key, keyStart, value, at);
      const next = this.lines[this.i];
      if (next === undefined || next.indent < indent) break;
      if (next.indent > indent || this.isItem(next)) giveUp();
      keyStart = next.start + indent;
    }
    this.setSpots(map, spots);
    return map;
  }

  /** The key from `p` up to its `:` at `colon`: a string, or the subset does not apply. */
  private key(p: number, colon: number): string {
    const text = this.text;
    if (text[p] === '"' || text[p] === "'") return this.quoted(p, colon);
    return this.plainKey(text.slice(p, colon).trimEnd());
  }

  private plainKey(source: string): string {
    this.plainStart(source);
    // `<<` merges, `1:` / `true:` / `null:` are not string keys: the full parser handles them
    if (source === '<<' || source.includes(': ') || typeof plainValue(source) !== 'string') giveUp();
    return source;
  }

  private plainStart(source: string): void {
    const first = source[0];
    if (first === undefined || NOT_PLAIN.has(first)) giveUp();
    if ((first === '-' || first === '?' || first === ':') && (source.length === 1 || source[1] === ' ')) giveUp();
  }

  /**
   * A value that starts at `p` on the current line, under a key or `-` at `indent`, with at most a
   * comment after it: a scalar ends on this line; a flow map or list may go on over the lines below
   * (indented deeper than `indent`, its closing bracket at least as deep), the current line then
   * being its last.
   */
  private inlineValue(p: number, indent: number): unknown {
    const text = this.text;
    let line = this.lines[this.i] as Line;
    const ch = text[p];
    let value: unknown;
    let after: number;
    if (ch === '{' || ch === '[') {
      this.flowIndent = indent;
      const flow = this.flow(p);
      value = flow.value;
      after = flow.end;
      line = this.lines[this.i] as Line;
    } else if (ch === '"' || ch === "'") {
      after = this.quotedEnd(p, line.end);
      value = this.quoted(p, after);
    } else {
      let end = p;
      // up to a comment (` #`) or the line end; indexOf would search the rest of the file
      while (end < line.end && !(text.charCodeAt(end) === 35 && text.charCodeAt(end - 1) === 32)) end++;
      const source = text.slice(p, end).trimEnd();
      this.plainStart(source);
      if (source.includes(': ') || source.endsWith(':')) giveUp();
      return this.plain(source);
    }
    let c = after;
    while (text.charCodeAt(c) === 32) c++;
    if (c < line.end && !(text[c] === '#' && c > after)) giveUp();
    return value;
  }

  /** The end of the current line. */
  private lineEnd(): number {
    return (this.lines[this.i] as Line).end;
  }

  /** The next character other than a space, on this line (no comment). */
  private skipInLine(c: number): number {
    let at = c;
    while (this.text.charCodeAt(at) === 32) at++;
    if (at >= this.lineEnd() || this.text.charCodeAt(at) === 35) giveUp();
    return at;
  }

  /**
   * The next character other than a space or a comment inside a flow map or list, going on to the
   * lines below: those must be indented deeper than the key or `-` holding the flow (a closing
   * bracket at least as deep), as `yaml` requires.
   */
  private skipAcross(c: number): number {
    const text = this.text;
    let at = c;
    for (;;) {
      while (text.charCodeAt(at) === 32) at++;
      const end = this.lineEnd();
      if (at < end && text.charCodeAt(at) !== 35) return at;
      if (at < end && text.charCodeAt(at - 1) !== 32) giveUp();
      this.i++;
      const line = this.lines[this.i];
      if (line === undefined) giveUp();
      at = line.start + line.indent;
      const closer = text[at] === '}' || text[at] === ']';
      if (line.indent < this.flowIndent || (line.indent === this.flowIndent && !closer)) giveUp();
    }
  }

  /** A flow map or list from `p` (its `{` or `[`), closed on this line or one below. */
  private flow(p: number): { value: Container; end: number } {
    const text = this.text;
    const isMap = text[p] === '{';
    const close = isMap ? '}' : ']';
    const map: Record<string, unknown> | undefined = isMap ? {} : undefined;
    const list: unknown[] | undefined = isMap ? undefined : [];
    const spots: (string | number)[] = [];
    let c = this.skipAcross(p + 1);
    if (text[c] !== close) {
      for (;;) {
        const at = c;
        if (map !== undefined) {
          const q = text[c];
          let key: string;
          if (q === '"' || q === "'") {
            c = this.quotedEnd(c, this.lineEnd());
            key = this.quoted(at, c);
          } else {
            const first = this.flowPlain(c);
            key = this.plainKey(first.source);
            c = first.end;
          }
          // the key, its `:` and the value's start on one line
          c = this.skipInLine(c);
          if (text[c] !== ':' || text[c + 1] !== ' ') giveUp();
          c = this.skipInLine(c + 1);
          const valueAt = c;
          const value = this.flowValue(c);
          this.put(map, spots, key, at, value.value, valueAt);
          c = value.end;
        } else {
          const value = this.flowValue(c);
          list?.push(value.value);
          spots.push(at);
          c = value.end;
        }
        c = this.skipAcross(c);
        if (text[c] === ':') giveUp();
        if (text[c] === close) break;
        if (text[c] !== ',') giveUp();
        c = this.skipAcross(c + 1);
        // a comma before the closing bracket is allowed
        if (text[c] === close) break;
      }
    }
    const value = map ?? (list as unknown[]);
    this.setSpots(value, spots);
    return { value, end: c + 1 };
  }

  private flowValue(p: number): { value: unknown; end: number } {
    const text = this.text;
    const ch = text[p];
    if (ch === '{' || ch === '[') return this.flow(p);
    if (ch === '"' || ch === "'") {
      const close = this.quotedEnd(p, this.lineEnd());
      return { value: this.quoted(p, close), end: close };
    }
    const plain = this.flowPlain(p);
    return { value: this.plain(plain.source), end: plain.end };
  }

  /** A plain scalar inside a flow collection: up to `,`, `]`, `}` or `: `. */
  private flowPlain(p: number): { source: string; end: number } {
    const text = this.text;
    const end = this.lineEnd();
    let c = p;
    for (; c < end; c++) {
      const x = text[c];
      if (x === ',' || x === '}' || x === ']') break;
      if (x === '[' || x === '{' || (x === '#' && text[c - 1] === ' ')) giveUp();
      if (x === ':') {
        const y = text[c + 1];
        if (y === ' ') break;
        if (y === ',' || y === '}' || y === ']' || c + 1 === end) giveUp();
      }
    }
    const source = text.slice(p, c).trimEnd();
    this.plainStart(source);
    return { source, end: p + source.length };
  }
}

/** The values of `text` when it is written in the subset; `undefined` when the full parser must read it. */
export function readYamlSubset(text: string): ValueTree | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    const reader = new Reader(text);
    const { value, start } = reader.document();
    return { value, start, spots: reader.spots, duplicates: reader.duplicates, lineCounter: reader.lineCounter };
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}
