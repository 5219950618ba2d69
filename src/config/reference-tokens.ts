/**
 * `${env:X}` is not a valid plain scalar inside a flow mapping (`{ path: ${env:X} }`: `{` is a
 * flow indicator). Before parsing, each reference is swapped for a same-length token of
 * private-use characters (so every line/column stays right); after parsing, scalars get the
 * original text back and the references are resolved as usual.
 */
const START = '\uE000';
const PAD = '\uE001';
const DIGIT0 = 0xe100;
const BASE = 0x1000;
const REFERENCE = /\$?\$\{[^}\n]*\}/g;
const TOKEN = /\uE000([\uE100-\uF0FF]+)\uE001*/g;

export interface ProtectedText {
  readonly text: string;
  /** Puts the original reference text back into a string that holds tokens. */
  restore(value: string): string;
}

function encode(index: number, length: number): string | undefined {
  let digits = '';
  let n = index;
  do {
    digits = String.fromCharCode(DIGIT0 + (n % BASE)) + digits;
    n = Math.floor(n / BASE);
  } while (n > 0);
  const token = START + digits;
  return token.length > length ? undefined : token + PAD.repeat(length - token.length);
}

function decode(digits: string): number {
  let n = 0;
  for (const ch of digits) n = n * BASE + ((ch.codePointAt(0) ?? DIGIT0) - DIGIT0);
  return n;
}

export function protectReferences(text: string): ProtectedText {
  const originals: string[] = [];
  const protectedText = text.replace(REFERENCE, (match) => {
    const token = encode(originals.length, match.length);
    if (token === undefined) return match;
    originals.push(match);
    return token;
  });
  return {
    text: protectedText,
    restore: (value) =>
      value.includes(START)
        ? value.replace(TOKEN, (token, digits: string) => originals[decode(digits)] ?? token)
        : value,
  };
}
