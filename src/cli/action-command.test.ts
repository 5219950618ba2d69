import { describe, expect, it } from 'vitest';
import type { NextAction } from '../sdk/index.js';
import { actionCommand, hintLines } from './action-command.js';

describe('actionCommand', () => {
  it.each<[NextAction, string]>([
    [
      { action: 'errors.list', filter: { flow: 'orders', status: 'open', code: 'SQL_ERROR' } },
      'syncline errors list --flow orders --status open --code SQL_ERROR',
    ],
    [
      { action: 'errors.list', filter: { runId: 12, code: 'DATA_QUALITY' } },
      'syncline errors list --run 12 --code DATA_QUALITY',
    ],
    [{ action: 'errors.show' }, 'syncline errors show <id>'],
    [{ action: 'errors.show', id: 7 }, 'syncline errors show 7'],
    [{ action: 'errors.retry' }, 'syncline errors retry <id> [<id> ...]'],
    [
      { action: 'errors.retry', filter: { flow: 'f', destination: 'crm' } },
      'syncline errors retry --all --flow f --destination crm',
    ],
    [{ action: 'flows.run', flow: 'my flow', fromStart: true }, "syncline run <file> 'my flow' --from-start"],
    [{ action: 'flows.run' }, 'syncline run'],
    [
      { action: 'flows.run', flow: 'f', overrideThreshold: true },
      'syncline run <file> f --max-errors N (or --max-error-rate R)',
    ],
    [{ action: 'flows.preview', flow: 'f' }, 'syncline preview <file> f'],
    [{ action: 'runs.list', flow: 'f' }, 'syncline runs f'],
    [{ action: 'status.show' }, 'syncline status'],
    [{ action: 'schema.show' }, 'syncline schema'],
    [{ action: 'secrets.set', name: 'CRM_KEY' }, 'syncline secrets set CRM_KEY'],
    [{ action: 'secrets.list' }, 'syncline secrets list'],
    [{ action: 'tokens.list' }, 'syncline token list'],
    [{ action: 'tokens.rotate' }, 'syncline token rotate'],
    [{ action: 'service.start' }, 'syncline serve'],
    [{ action: 'service.start', allowHost: 'sync.example.com' }, 'syncline serve --allow-host sync.example.com'],
  ])('%j → %s', (action, command) => {
    expect(actionCommand(action)).toBe(command);
  });

  it('prints a hint and its next steps as lines under an error', () => {
    expect(
      hintLines({ hint: 'Store it.', next: [{ action: 'secrets.set', name: 'X' }, { action: 'secrets.list' }] }),
    ).toEqual(['  hint: Store it.', '  next: syncline secrets set X', '        syncline secrets list']);
    expect(hintLines({})).toEqual([]);
  });
});
