/** Deepest nesting a webhook body may have: real events nest a few levels; thousands only crash recursive code. */
export const MAX_JSON_DEPTH = 256;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The byte offset at which JSON text first nests deeper than `max` arrays/objects, or -1.
 * A linear scan of the raw bytes (brackets inside strings do not count), run before JSON.parse so
 * that a hostile body never becomes a structure deep enough to exhaust the stack of the code
 * that later walks it (JSON.stringify, mapping, masking).
 */
export function tooDeepAt(body: Uint8Array, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return -1;
}
