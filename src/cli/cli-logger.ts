import { pino } from 'pino';
import type { Logger } from '../sdk/index.js';

/** Structured logs to stderr; quiet by default (warn), `SYNCLINE_LOG=debug|info` for more. */
export function createCliLogger(): Logger {
  return pino({ level: process.env.SYNCLINE_LOG ?? 'warn', base: null }, pino.destination(2));
}
