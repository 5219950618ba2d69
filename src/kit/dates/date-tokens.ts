/** A piece of a date format: a token like `yyyy`, or literal text. */
export type FormatPart = { readonly token: string } | { readonly literal: string };

/** Tokens luxon understands beyond the fast ones; they make the format go through luxon. */
const luxonTokens = new Set(
  'S u uu uuu E EEE EEEE EEEEE c ccc cccc ccccc L LL LLL LLLL LLLLL MMM MMMM MMMMM yyyyy yyyyyy G GG GGGGG kk kkkk W WW n nn ii iiii o ooo q qq ZZZZ ZZZZZ z D DD DDD DDDD t tt ttt tttt TT TTT TTTT f ff fff ffff F FF FFF FFFF'.split(
    ' ',
  ),
);

/** Tokens compiled to fast closures (formatting). */
export const fastFormatTokens = new Set('yyyy yy y MM M dd d HH H hh h mm m ss s SSS a Z ZZ ZZZ X x'.split(' '));

/** Tokens compiled to a fast regular-expression parser. */
export const fastParseTokens = new Set('yyyy MM M dd d HH H hh h mm m ss s SSS a Z ZZ ZZZ X x'.split(' '));

/**
 * Splits a luxon-style format (`yyyy-MM-dd'T'HH:mm`) into tokens and literals: runs of one letter
 * are tokens, text in single quotes and non-letters are literal. A message when a token is unknown.
 */
export function tokenizeFormat(format: string): FormatPart[] | string {
  const parts: FormatPart[] = [];
  let i = 0;
  while (i < format.length) {
    const ch = format[i] as string;
    if (ch === "'") {
      const close = format.indexOf("'", i + 1);
      if (close < 0) return `unclosed quote at position ${i + 1}`;
      parts.push({ literal: close === i + 1 ? "'" : format.slice(i + 1, close) });
      i = close + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let end = i;
      while (format[end] === ch) end++;
      const token = format.slice(i, end);
      if (token === 'T')
        return `"T" is a token (localized time); write 'T' in quotes for a literal T, e.g. yyyy-MM-dd'T'HH:mm:ss`;
      if (!fastFormatTokens.has(token) && !luxonTokens.has(token))
        return `unknown date token "${token}" (known: yyyy, MM, dd, HH, hh, mm, ss, SSS, a, ZZ, X, x, MMM, EEE, …; quote literal text like 'at')`;
      parts.push({ token });
      i = end;
    } else {
      let end = i;
      while (end < format.length && format[end] !== "'" && !/[A-Za-z]/.test(format[end] as string)) end++;
      parts.push({ literal: format.slice(i, end) });
      i = end;
    }
  }
  if (parts.length === 0) return 'empty format';
  return parts;
}
