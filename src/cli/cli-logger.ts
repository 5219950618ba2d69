import { type DestinationStream, pino } from 'pino';
import { type Logger, noRedaction, type Redactor } from '../sdk/index.js';
import { humanLogLine } from './human-log-line.js';

/**
 * Logs to stderr as lines for people (JSON with `SYNCLINE_LOG_FORMAT=json`); quiet by default (warn;
 * `serve` says info), `SYNCLINE_LOG=debug|info|warn` to change. Every line goes through `redactor` once serialized, so no field, message or stack
 * carries a known secret in any of its forms.
 */
export function createCliLogger(
  level = 'warn',
  redactor: Redactor = noRedaction,
  destination: DestinationStream = pino.destination(2),
): Logger {
  const human = (process.env.SYNCLINE_LOG_FORMAT ?? 'text') !== 'json';
  const stream: DestinationStream = {
    write: (line) => destination.write(redactor.redact(human ? humanLogLine(line) : line)),
  };
  return pino({ level: process.env.SYNCLINE_LOG ?? level, base: null }, stream);
}
