import { FlowError, FlowErrors } from '../sdk/index.js';
import { hintLines } from './action-command.js';

/** One clear block per error: where, code, message, hint. Never a bare stack trace (set SYNCLINE_DEBUG=1 for one). */
export function describeError(error: unknown): string {
  if (error instanceof FlowErrors) {
    const n = error.errors.length;
    return `${n} problem${n === 1 ? '' : 's'} found:\n${error.errors.map((e) => describeOne(e)).join('\n')}`;
  }
  if (error instanceof FlowError) return describeOne(error);
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.SYNCLINE_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
  return `error [INTERNAL]: ${message}\n  hint: this is a bug in Syncline; rerun with SYNCLINE_DEBUG=1 for details and report it${stack}`;
}

function describeOne(e: FlowError): string {
  const where = e.where ? `${e.where}: ` : '';
  const hint = hintLines(e)
    .map((line) => `\n${line}`)
    .join('');
  const stack = process.env.SYNCLINE_DEBUG && e.cause instanceof Error ? `\n${e.cause.stack}` : '';
  return `${where}error [${e.code}]: ${e.message}${hint}${stack}`;
}
