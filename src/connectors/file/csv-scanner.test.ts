import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createCsvScanner, SCAN_EMPTY, SCAN_MALFORMED, SCAN_MORE, SCAN_RECORD } from './csv-scanner.js';

interface Scanned {
  fields?: string[];
  error?: string;
  lines: number;
}

/** Scans `text` as if it arrived in two windows split at `cut` (the rest re-scanned after SCAN_MORE). */
function scanAll(text: string, cut = text.length, trim = false): Scanned[] {
  const scanner = createCsvScanner({ delimiter: ',', quote: '"', trim });
  const out: Scanned[] = [];
  let pos = 0;
  for (const [window, final] of [
    [text.slice(0, cut), false],
    [text, true],
  ] as const) {
    for (;;) {
      const status = scanner.scan(window, pos, final);
      if (status === SCAN_MORE) break;
      if (status === SCAN_RECORD) out.push({ fields: scanner.fields, lines: scanner.lines });
      if (status === SCAN_MALFORMED) out.push({ error: scanner.error, lines: scanner.lines });
      if (status === SCAN_EMPTY) out.push({ lines: scanner.lines });
      pos = scanner.end;
    }
  }
  return out;
}

const wellFormed: [string, string][] = [
  ['plain', 'a,b,c\n1,2,3\n'],
  ['no final newline', 'a,b\n1,2'],
  ['CRLF', 'a,b\r\n1,2\r\n3,4'],
  ['quoted delimiter', 'a,b\n"x,y",2\n'],
  ['doubled quotes', 'a,b\n"say ""hi""",2\n'],
  ['embedded newlines', 'a,b\n"line 1\nline 2\r\nline 3",2\nz,9\n'],
  ['empty fields', 'a,b,c\n,,\n"",x,\n'],
  ['quoted last field', 'a,b\n1,"2"\n3,"4"'],
  ['unicode', 'name,city\nJosé,"Zürich, CH"\n😀,東京\n'],
];

describe('csv scanner', () => {
  it.each(wellFormed)('%s: same fields as csv-parse, whatever the window split', (_name, text) => {
    const expected = (parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][]).map((f) => f);
    for (let cut = 0; cut <= text.length; cut++) {
      const got = scanAll(text, cut)
        .filter((s) => s.fields)
        .map((s) => s.fields);
      expect(got, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('counts the physical lines of each record', () => {
    const got = scanAll('a\n"x\ny\nz"\n\nb\n');
    expect(got.map((s) => s.lines)).toEqual([1, 3, 1, 1]);
    expect(got[2]?.fields).toBeUndefined();
  });

  it.each([
    ['closing quote followed by text', 'a,b\n"x"y,1\nok,2\n', /after the closing quote of field 1/],
    ['quote inside unquoted field', 'a,b\nx"y,1\nok,2\n', /quote inside the unquoted field 1/],
    ['quote never closed', 'a,b\n"never,1\nok,2\n', /never closed/],
  ])('%s: reports the line and goes on with the next one', (_name, text, message) => {
    const got = scanAll(text);
    expect(got[0]?.fields).toEqual(['a', 'b']);
    expect(got[1]?.error).toMatch(message);
    expect(got[1]?.lines).toBe(1);
    expect(got[2]?.fields).toEqual(['ok', '2']);
  });

  it('trims blanks around fields and quotes when asked', () => {
    expect(scanAll(' a , "b" ,c \n', undefined, true)[0]?.fields).toEqual(['a', 'b', 'c']);
    expect(scanAll(' a , b \n', undefined, true)[0]?.fields).toEqual(['a', 'b']);
    expect(scanAll(' a , b \n')[0]?.fields).toEqual([' a ', ' b ']);
  });
});
