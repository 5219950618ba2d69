import { pino } from 'pino';
import type { Logger } from '../sdk/index.js';

/** Structured logs to stderr; quiet by default (warn; `serve` says info), `SYNCLINE_LOG=debug|info|warn` to change. */
export function createCliLogger(level = 'warn'): Logger {
  return pino({ level: process.env.SYNCLINE_LOG ?? level, base: null }, pino.destination(2));
}
