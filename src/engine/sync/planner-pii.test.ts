import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compiled, conflictOf, linkOf, staged } from './plan-test-helpers.js';
import { syncPlanner } from './sync-planner.js';

const folder = fileURLToPath(new URL('.', import.meta.url));
const secret = 'ada.lovelace@example.com';

describe('the planner and PII', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes nothing to the console or the process streams while planning records with PII', () => {
    const spies = [
      ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => vi.spyOn(console, m)),
      vi.spyOn(process.stdout, 'write'),
      vi.spyOn(process.stderr, 'write'),
    ];
    const sync = compiled(['email', { name: 'kind', toB: { values: { vip: 1 } } }], {
      pii: ['email'],
      match: { fields: ['email'], normalize: ['lowercase'], maxAmbiguous: 1 },
    });
    const link = linkOf(sync, { email: secret, kind: 'vip' }, { email: secret, kind: 1 });
    const a = staged(sync, 'a', { email: `x${secret}`, kind: 'vip' }, { changedAt: 'not a time' });
    const b = staged(sync, 'b', { email: `y${secret}`, kind: 1 });
    syncPlanner.planPair(sync, {
      link,
      a,
      b,
      conflicts: [conflictOf('email', { a: secret, b: secret }, { take: 'a' })],
    });
    syncPlanner.planMatch(sync, [a, b]);
    syncPlanner.planCreate(sync, a);
    expect(() => syncPlanner.planCreate(sync, staged(sync, 'a', { email: secret, kind: 'nope' }))).toThrow();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('no planner file logs: no logger, no console (the run masks what it stores; the planner only returns data)', () => {
    // the planner's own files (the run's, beside them, log through the run's context)
    const planner =
      /^(compile-sync|match-key|sync-values|sync-plan-types|plan-(pair|match|create|delete)|sync-planner)\.ts$/;
    const sources = readdirSync(folder).filter((f) => planner.test(f));
    expect(sources).toHaveLength(9);
    for (const file of sources) {
      const text = readFileSync(`${folder}/${file}`, 'utf8');
      expect(text, file).not.toMatch(/console\.|Logger|\.log\(|process\.std/);
    }
  });
});
