import type { ModuleRule } from './design-rules.js';

/** The row of docs/architecture.md's "What each module may import" table for one rule of design-rules.ts. */
export function ruleRow(rule: ModuleRule): string {
  const arrows = rule.mayImport.map(
    (a) => `\`${a.to}\`${a.entryOnly ? ' (its index.ts)' : ''}${a.because ? ' ¹' : ''}`,
  );
  return `| \`${rule.module}\` | ${arrows.join(', ') || 'nothing'} |`;
}
