import type { ErrorRecordFilter, FlowError, NextAction } from '../sdk/index.js';

/** A value as one POSIX shell word: quoted when it is not a plain word. */
function word(value: number | string): string {
  const text = String(value);
  return /^([A-Za-z0-9._:/@%+=-]+|<[a-z]+>)$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** ` --flow orders --run 12 --destination crm --status open --code SQL_ERROR` (the options a filter sets). */
function filterOptions(filter: ErrorRecordFilter): string {
  const options: [string, number | string | undefined][] = [
    ['--flow', filter.flow],
    ['--run', filter.runId],
    ['--destination', filter.destination],
    ['--status', filter.status],
    ['--code', filter.code],
  ];
  return options
    .filter((o): o is [string, number | string] => o[1] !== undefined)
    .map(([option, value]) => ` ${option} ${word(value)}`)
    .join('');
}

/** The command line that does `action`: how the CLI renders the next steps errors and notices name. */
export function actionCommand(action: NextAction): string {
  switch (action.action) {
    case 'errors.list':
      return `syncline errors list${filterOptions(action.filter)}`;
    case 'errors.show':
      return `syncline errors show ${action.id === undefined ? '<id>' : word(action.id)}`;
    case 'errors.retry':
      return action.filter === undefined
        ? 'syncline errors retry <id> [<id> ...]'
        : `syncline errors retry --all${filterOptions(action.filter)}`;
    case 'flows.run': {
      const flow = action.flow === undefined ? '' : ` <file> ${word(action.flow)}`;
      const threshold = action.overrideThreshold ? ' --max-errors N (or --max-error-rate R)' : '';
      return `syncline run${flow}${action.fromStart ? ' --from-start' : ''}${threshold}`;
    }
    case 'flows.preview':
      return `syncline preview <file> ${word(action.flow)}`;
    case 'runs.list':
      return `syncline runs ${word(action.flow)}`;
    case 'status.show':
      return 'syncline status';
    case 'schema.show':
      return 'syncline schema';
    case 'secrets.set':
      return `syncline secrets set ${word(action.name)}`;
    case 'secrets.list':
      return 'syncline secrets list';
    case 'tokens.list':
      return 'syncline token list';
    case 'tokens.rotate':
      return 'syncline token rotate';
    case 'conflicts.list':
      return `syncline conflicts list${action.sync === undefined ? '' : ` ${word(action.sync)}`}`;
    case 'links.list':
      return `syncline links ${word(action.sync)}`;
    case 'deletes.list':
      return `syncline deletes ${word(action.sync)}`;
    case 'service.start':
      return `syncline serve${action.allowHost === undefined ? '' : ` --allow-host ${word(action.allowHost)}`}`;
  }
}

/** The `next:` lines under an error's hint, one command each (none without next steps). */
export function nextLines(next: readonly NextAction[] | undefined, indent = '  '): string[] {
  return (next ?? []).map((action, i) => `${indent}${i === 0 ? 'next:' : '     '} ${actionCommand(action)}`);
}

/** `hint` and `next` of an error as the lines the CLI prints under it. */
export function hintLines(error: Pick<FlowError, 'hint' | 'next'>, indent = '  '): string[] {
  return [...(error.hint ? [`${indent}hint: ${error.hint}`] : []), ...nextLines(error.next, indent)];
}
