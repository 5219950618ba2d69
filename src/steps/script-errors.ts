import { type DataRecord, FlowError } from '../sdk/index.js';
import type { Entry } from './script-results.js';
import type { CallFailure } from './script-sandbox.js';

/** What error messages say about a script step. */
export interface ScriptNames {
  /** `enrich.js` for a script file, `script` for inline code: `script line 3: …`. */
  readonly label: string;
  /** The limits as the user wrote them: `1s`, `64MB`. */
  readonly timeout: string;
  readonly memory: string;
}

export type Unit = 'record' | 'page';

export const GARBLED =
  'the script garbled its results (did it replace a built-in such as JSON or Array.prototype.join?)';

/** The error for a call that did not return: time, memory, or a broken sandbox. */
export function failureError(names: ScriptNames, failure: CallFailure, unit: Unit): FlowError {
  switch (failure.reason) {
    case 'timeout':
      return new FlowError('SCRIPT_TIMEOUT', `the script ran longer than ${names.timeout} on this ${unit}`);
    case 'memory':
      return new FlowError('SCRIPT_MEMORY', `the script ran out of memory (limit ${names.memory}) on this ${unit}`);
    case 'error':
      return new FlowError('SCRIPT_ERROR', failure.name ? `${failure.name}: ${failure.message}` : failure.message);
    case 'crash':
      return new FlowError('SCRIPT_ERROR', `${failure.message}; the sandbox was restarted`);
  }
}

/** The error for what the script made of a record (or a page): its throw or its bad result; none for records. */
export function entryError(names: ScriptNames, entry: Entry, fn: string, unit: Unit): FlowError | undefined {
  if (entry.tag === 'r') return new FlowError('SCRIPT_BAD_RESULT', `${fn} returned ${entry.what}`);
  if (entry.tag !== 'e') return undefined;
  if (entry.kind === 'memory') return failureError(names, { reason: 'memory' }, unit);
  if (entry.kind === 'thrown') return new FlowError('SCRIPT_ERROR', `the script threw ${entry.message}`);
  const at = entry.line > 0 ? `${names.label} line ${entry.line}: ` : '';
  const name = entry.name && entry.name !== 'Error' ? `${entry.name}: ` : '';
  const deep = entry.message === 'stack overflow' ? ' (recursion or nesting too deep)' : '';
  return new FlowError('SCRIPT_ERROR', `${at}${name}${entry.message}${deep}`);
}

/** The same error, located at the step and the record: `<where> record <id>`. */
export function located(error: FlowError, where: string, record: DataRecord): FlowError {
  return new FlowError(error.code, error.message, { where: `${where} record ${record.meta.id}` });
}
