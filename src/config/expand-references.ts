import type { CoreErrorCode, NextAction } from '../sdk/index.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ReferenceProblem {
  readonly code: CoreErrorCode;
  readonly message: string;
  readonly hint: string;
  readonly next?: readonly NextAction[];
}

export interface Expansion {
  readonly value: string;
  /** The secret values that went into `value` (to be masked in messages). */
  readonly secrets: readonly string[];
  /** The environment values that went into `value` (masked in everything Syncline logs or stores). */
  readonly env: readonly string[];
  readonly problems: readonly ReferenceProblem[];
}

/**
 * Environment variable that holds the secret `NAME`. Secrets stored with `syncline secrets set` are
 * passed in the same way (the environment wins when both have one).
 */
export function secretVariable(name: string): string {
  return `SYNCLINE_SECRET_${name}`;
}

const ENV = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
const SECRET = /^secret:([A-Za-z_][A-Za-z0-9_]*)$/;

function badReference(text: string, why: string): ReferenceProblem {
  return {
    code: 'CONFIG_BAD_REFERENCE',
    message: `malformed reference "${text}": ${why}`,
    hint: 'Write `${env:NAME}`, `${env:NAME:-default}` or `${secret:NAME}` (NAME: letters, digits, _); `$${` gives a literal `${`.',
  };
}

interface Used {
  readonly secrets: string[];
  readonly env: string[];
}

function expandOne(body: string, env: Env, used: Used): string | ReferenceProblem {
  const envMatch = ENV.exec(body);
  if (envMatch) {
    const name = envMatch[1] as string;
    const fallback = envMatch[2];
    const value = env[name];
    if (fallback !== undefined && (value === undefined || value === '')) return fallback;
    if (value !== undefined) {
      used.env.push(value);
      return value;
    }
    return {
      code: 'CONFIG_MISSING_ENV',
      message: `environment variable ${name} is not set`,
      hint: `Set ${name} in the environment, or give a default: \${env:${name}:-value}.`,
    };
  }
  const secretMatch = SECRET.exec(body);
  if (secretMatch) {
    const name = secretMatch[1] as string;
    const value = env[secretVariable(name)];
    if (value !== undefined) {
      used.secrets.push(value);
      return value;
    }
    return {
      code: 'CONFIG_MISSING_SECRET',
      message: `secret ${name} is not set`,
      hint: `Store it (kept encrypted in the state store), or set ${secretVariable(name)} in the environment.`,
      next: [{ action: 'secrets.set', name }],
    };
  }
  const text = `\${${body}}`;
  if (/^(env|secret):/.test(body)) return badReference(text, 'the name must be letters, digits and _');
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(body)) return badReference(text, `say where it comes from: \${env:${body}}`);
  return badReference(text, 'expected env: or secret:');
}

/**
 * Replaces `${env:NAME}`, `${env:NAME:-default}` and `${secret:NAME}` anywhere in a string.
 * `$${` is a literal `${`. The result is always a string.
 */
export function expandReferences(input: string, env: Env): Expansion {
  const used: Used = { secrets: [], env: [] };
  const problems: ReferenceProblem[] = [];
  let out = '';
  let i = 0;
  while (i < input.length) {
    const at = input.indexOf('$', i);
    if (at < 0) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, at);
    if (input.startsWith('$${', at)) {
      out += '${';
      i = at + 3;
    } else if (input.startsWith('${', at)) {
      const end = input.indexOf('}', at + 2);
      if (end < 0) {
        problems.push(badReference(input.slice(at), 'no closing }'));
        out += input.slice(at);
        break;
      }
      const result = expandOne(input.slice(at + 2, end), env, used);
      if (typeof result === 'string') out += result;
      else problems.push(result);
      i = end + 1;
    } else {
      out += '$';
      i = at + 1;
    }
  }
  return { value: out, secrets: used.secrets, env: used.env, problems };
}
