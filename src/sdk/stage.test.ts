import { describe, expect, it } from 'vitest';
import { parseStageName, type Stage, sameStage, stageNameOption, stageText } from './stage.js';

describe('stages', () => {
  const stages: Stage[] = [
    { kind: 'source' },
    { kind: 'delta' },
    { kind: 'step', name: 'map', index: 2 },
    { kind: 'step', name: 'http.lookup', index: 0 },
    { kind: 'destination', name: 'erp:eu' },
  ];

  it('has one text form, read back to the same stage (a step without its index)', () => {
    expect(stages.map(stageText)).toEqual(['source', 'delta', 'step:map', 'step:http.lookup', 'destination:erp:eu']);
    expect(stages.map((s) => parseStageName(stageText(s)))).toEqual([
      { kind: 'source' },
      { kind: 'delta' },
      { kind: 'step', name: 'map' },
      { kind: 'step', name: 'http.lookup' },
      { kind: 'destination', name: 'erp:eu' },
    ]);
    const [, , map] = stages as [Stage, Stage, Stage];
    expect(sameStage(map, { kind: 'step', name: 'map' })).toBe(true);
    expect(sameStage(map, { kind: 'destination', name: 'map' })).toBe(false);
  });

  it('refuses a text that names no stage, saying which forms there are', () => {
    for (const text of ['', 'step', 'step:', 'dest:erp', 'Source']) expect(parseStageName(text)).toBeUndefined();
    expect(() => stageNameOption('dest:erp')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        hint: 'a stage is source, delta, step:<name> or destination:<name>',
      }),
    );
  });
});
