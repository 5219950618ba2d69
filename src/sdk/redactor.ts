/**
 * Hides known sensitive values in text that leaves the process or goes to disk: logs, printed
 * errors and output, messages in the state store, notifications.
 */
export interface Redactor {
  /** `text` with every known value, in any of its encoded forms, replaced. */
  redact(text: string): string;
}

export const noRedaction: Redactor = { redact: (text) => text };

/** Secrets shorter than this are not masked in text (too short to tell from ordinary words). */
export const MIN_SECRET_LENGTH = 4;
/** `${env:…}` values shorter than this are not masked: ports, flags and levels (`5432`, `true`, `debug`). */
export const MIN_ENV_LENGTH = 8;
/** An encoded form shorter than this is not searched for (a base64 fragment of a short value). */
const MIN_FORM_LENGTH = 4;

function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  // Inside a longer base64 text (`Basic base64(user:password)`) the value starts at any byte offset
  // modulo 3; each offset encodes it differently. Keep the characters that depend on the value only.
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const start = Math.ceil((shift * 8) / 6);
    const whole = shift === 0 && bytes.length % 3 === 0;
    const end = whole ? encoded.length : Math.floor(((shift + bytes.length) * 8) / 6);
    const core = encoded.slice(start, end);
    forms.push(core, core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  // the value encoded alone, with its padding
  const alone = bytes.toString('base64');
  forms.push(alone, bytes.toString('base64url'));
  return forms;
}

/**
 * The forms a value takes on its way out: as is, URL-encoded (`encodeURIComponent`, form encoding
 * with `+` for spaces, `encodeURI`), JSON-escaped, and base64 (standard and URL-safe, alone or
 * inside a longer base64 text).
 */
export function sensitiveForms(value: string): string[] {
  const forms = [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    encodeURI(value),
    JSON.stringify(value).slice(1, -1),
    ...base64Forms(value),
  ];
  return [...new Set(forms)].filter((f) => f.length >= MIN_FORM_LENGTH);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One pass over the text replacing every key of `replacements` by its value; longer keys win where
 * they overlap. One precompiled regular expression, so the cost does not grow per value searched.
 */
export function createReplacer(replacements: ReadonlyMap<string, string>): (text: string) => string {
  if (replacements.size === 0) return (text) => text;
  const keys = [...replacements.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(keys.map(escapeRegExp).join('|'), 'g');
  return (text) => {
    if (text === '') return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, (found) => replacements.get(found) ?? '***');
  };
}

export interface SensitiveValues {
  /** Resolved `${secret:…}` values (and stored secrets): masked from MIN_SECRET_LENGTH characters. */
  readonly secrets?: Iterable<string>;
  /** Resolved `${env:…}` values: masked from MIN_ENV_LENGTH characters. */
  readonly env?: Iterable<string>;
}

/** The password of a URL value (`postgres://u:pw@host/db`), which errors may quote without the rest. */
function urlPassword(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    const password = new URL(value).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A redactor replacing every sensitive value, in each of its `sensitiveForms`, by `***`. Values
 * below the length thresholds are left alone, and so is the empty string. A URL value's password
 * counts as a secret of its own.
 */
export function createRedactor(values: SensitiveValues): Redactor {
  const kept = new Set<string>();
  const add = (value: string, min: number) => {
    if (value.length >= min) kept.add(value);
    const password = urlPassword(value);
    if (password !== undefined && password.length >= MIN_SECRET_LENGTH) kept.add(password);
  };
  for (const v of values.secrets ?? []) add(v, MIN_SECRET_LENGTH);
  for (const v of values.env ?? []) add(v, MIN_ENV_LENGTH);
  if (kept.size === 0) return noRedaction;
  const replacements = new Map<string, string>();
  for (const value of kept) for (const form of sensitiveForms(value)) replacements.set(form, '***');
  return { redact: createReplacer(replacements) };
}

/** Both redactors, one after the other. */
export function combineRedactors(a: Redactor, b: Redactor): Redactor {
  if (a === noRedaction) return b;
  if (b === noRedaction) return a;
  return { redact: (text) => b.redact(a.redact(text)) };
}
