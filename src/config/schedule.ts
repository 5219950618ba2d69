import { Cron } from 'croner';
import { didYouMean } from './closest.js';
import type { ParseContext } from './parse-context.js';
import { formatPath, type PathKey } from './yaml-locator.js';

/** The reason croner gives for a bad expression, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  try {
    new Cron(expression, { paused: true }).stop();
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^CronPattern:\s*/, '');
  }
}

export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Checks a flow's `schedule` (cron) and `timezone` (IANA name). */
export function checkSchedule(
  schedule: unknown,
  timezone: unknown,
  flowPath: readonly PathKey[],
  ctx: ParseContext,
  scheduleKey = 'schedule',
): void {
  if (typeof schedule === 'string') {
    const problem = cronProblem(schedule);
    if (problem !== undefined) {
      const path = [...flowPath, scheduleKey];
      ctx.problems.add(
        'CONFIG_BAD_CRON',
        ctx.locator.at(path),
        `${formatPath(path)}: "${schedule}" is not a valid cron expression (${problem})`,
        'Use five fields "minute hour day-of-month month day-of-week", e.g. "*/15 * * * *" (every 15 minutes) or "0 3 * * 1-5" (03:00 on weekdays); a sixth field in front adds seconds.',
      );
    }
  }
  if (typeof timezone === 'string' && !isTimeZone(timezone)) {
    const path = [...flowPath, 'timezone'];
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at(path),
      `${formatPath(path)}: unknown time zone "${timezone}"`,
      `${didYouMean(timezone, Intl.supportedValuesOf('timeZone'))}Use an IANA time zone name such as Europe/Berlin, America/New_York or UTC.`,
    );
  }
}
