import { type CoreErrorCode, FlowError, FlowErrors, type NextAction } from '../sdk/index.js';
import type { Location } from './yaml-locator.js';

interface Problem {
  readonly code: CoreErrorCode;
  readonly message: string;
  readonly hint: string | undefined;
  readonly next: readonly NextAction[] | undefined;
  readonly at: Location;
}

const REFERENCE_CODES: ReadonlySet<CoreErrorCode> = new Set([
  'CONFIG_MISSING_ENV',
  'CONFIG_MISSING_SECRET',
  'CONFIG_BAD_REFERENCE',
]);

/** Collects every problem of a flow file, so that all are reported at once. */
export interface ProblemList {
  add(code: CoreErrorCode, at: Location, message: string, hint?: string, next?: readonly NextAction[]): void;
  readonly count: number;
  /** A resolved secret: masked as `***` in every message and hint. */
  addSecret(value: string): void;
  /** The problems in file order, as FlowErrors with secrets masked. */
  toErrors(): FlowError[];
  /** Throws `FlowErrors` when there is any problem. */
  throwIfAny(): void;
}

export function createProblemList(): ProblemList {
  const problems: Problem[] = [];
  const secrets = new Set<string>();
  const mask = (text: string): string => {
    let out = text;
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
    return out;
  };
  const toErrors = (): FlowError[] => {
    // A value whose reference could not be resolved is not checked further: the reference is the problem.
    const unresolved = new Set(problems.filter((p) => REFERENCE_CODES.has(p.code)).map((p) => p.at.where));
    return problems
      .filter((p) => REFERENCE_CODES.has(p.code) || !unresolved.has(p.at.where))
      .sort((a, b) => a.at.line - b.at.line || a.at.col - b.at.col)
      .map(
        (p) =>
          new FlowError(p.code, mask(p.message), {
            where: p.at.where,
            ...(p.hint === undefined ? {} : { hint: mask(p.hint) }),
            ...(p.next === undefined ? {} : { next: p.next }),
          }),
      );
  };
  return {
    add(code, at, message, hint, next) {
      problems.push({ code, at, message, hint, next });
    },
    get count() {
      return problems.length;
    },
    addSecret(value) {
      if (value !== '') secrets.add(value);
    },
    toErrors,
    throwIfAny() {
      if (problems.length > 0) throw new FlowErrors(toErrors());
    },
  };
}
