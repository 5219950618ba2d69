const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * One pino JSON line as a line for people: `14:03:12 warn  destination crm is unavailable (records=12)`.
 * Logs share stderr with the command's own messages, so they read like them; `SYNCLINE_LOG_FORMAT=json`
 * keeps the JSON (for log shippers). A line that is not JSON passes as it is.
 */
export function humanLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, msg, err, ...fields } = entry;
  const at = typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '';
  const name = (typeof level === 'number' ? LEVELS[level] : undefined) ?? String(level ?? '');
  const extra = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const error = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  if (typeof error === 'string') extra.push(`error=${error}`);
  return `${at} ${name.padEnd(5)} ${String(msg ?? '')}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}\n`;
}
