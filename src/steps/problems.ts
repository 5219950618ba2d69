import { FlowError, FlowErrors } from '../sdk/index.js';

/** Where a piece of config sits, for compile errors: the step's `where` and the field path inside it. */
export interface Site {
  readonly where: string;
  /** Path inside the step config, e.g. `email.transform[1]` or `all[2].op`. */
  readonly field: string;
  readonly code: 'CONFIG_BAD_MAPPING' | 'CONFIG_BAD_FILTER';
}

/** The same site one level deeper: `at(site, 'transform')`, `at(site, 2)`. */
export function at(site: Site, part: string | number): Site {
  const field = typeof part === 'number' ? `${site.field}[${part}]` : site.field ? `${site.field}.${part}` : part;
  return { ...site, field };
}

/** A config error (kind `config`) naming the step and the field path. */
export function configError(site: Site, message: string, hint?: string): FlowError {
  const prefix = site.field ? `${site.field}: ` : '';
  return new FlowError(site.code, `${prefix}${message}`, {
    where: site.where,
    ...(site.field ? { field: site.field } : {}),
    ...(hint === undefined ? {} : { hint }),
  });
}

/** A value shown in a message: JSON, cut to 60 characters. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** RECORD_BAD_VALUE for one field: what value, and what could not be done with it. */
export function badValue(field: string, value: unknown, problem: string): FlowError {
  return new FlowError('RECORD_BAD_VALUE', `field ${field}: ${showValue(value)} ${problem}`, { field });
}

/** The same record error, located at a step and record: `<where> record <id>`. */
export function locate(error: FlowError, where: string): FlowError {
  return new FlowError(error.code, error.message, {
    kind: error.kind,
    where,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.field === undefined ? {} : { field: error.field }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
}

/** `did you mean …?` for a misspelt name, or the list of allowed names. */
export function suggest(name: string, allowed: readonly string[]): string {
  let best = '';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const list = `Use one of: ${allowed.join(', ')}.`;
  return bestDistance <= Math.max(2, name.length / 3) ? `Did you mean "${best}"? ${list}` : list;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Config problems of one step, gathered so that all are reported at once instead of the first alone. */
export interface ProblemCollector {
  /** Runs `compile`; a FlowError it throws (with the problems it carries) is kept and `undefined` returned. */
  attempt<T>(compile: () => T): T | undefined;
  add(problem: FlowError): void;
  /** Throws the first problem, carrying all of them as its cause (`FlowErrors`) when there are several. */
  throwIfAny(what: string): void;
}

export function collectProblems(): ProblemCollector {
  const problems: FlowError[] = [];
  const add = (error: FlowError): void => {
    if (error.cause instanceof FlowErrors) problems.push(...error.cause.errors);
    else problems.push(error);
  };
  return {
    attempt(compile) {
      try {
        return compile();
      } catch (error) {
        if (!(error instanceof FlowError)) throw error;
        add(error);
        return undefined;
      }
    },
    add,
    throwIfAny(what) {
      const first = problems[0];
      if (first === undefined) return;
      if (problems.length === 1) throw first;
      throw new FlowError(first.code, `${first.message} (and ${problems.length - 1} more in this ${what})`, {
        kind: first.kind,
        ...(first.where === undefined ? {} : { where: first.where }),
        ...(first.field === undefined ? {} : { field: first.field }),
        ...(first.hint === undefined ? {} : { hint: first.hint }),
        cause: new FlowErrors(problems),
      });
    },
  };
}
