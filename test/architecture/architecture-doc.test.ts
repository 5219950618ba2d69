import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { moduleRules } from './design-rules.js';
import { ruleRow } from './rule-row.js';

describe('docs/architecture.md', () => {
  it('shows the rules of design-rules.ts in "What each module may import"', () => {
    const doc = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## What each module may import');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = doc.indexOf('\n## ', start + 1);
    const rows = doc
      .slice(start, end < 0 ? undefined : end)
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows).toEqual(moduleRules.map(ruleRow));
  });
});
