import { describe, expect, it } from 'vitest';
import { allowedViolations, allowedViolationsCeiling } from './allowed-violations.js';
import { findViolations, staleEntries, unlisted } from './check-imports.js';
import { moduleOf, ruleOf } from './design-rules.js';
import { createImportReader } from './read-imports.js';

/**
 * DESIGN.md: "imports point one way" — `sdk ← kit ← connectors`; `sdk ← {steps, store, queue, security,
 * observe, config}`; `engine` uses those; `app` uses `engine` and the rest; `server` and `cli` use only
 * `app`. A connector imports `sdk`, `kit` and its own client library, nothing else. The rules are the
 * table of design-rules.ts; every import of every non-test file under src/ is read with the compiler
 * (read-imports.ts) and checked (check-imports.ts); today's known violations are allowed-violations.ts.
 */
const reader = createImportReader();
const edges = reader.sourceFiles.flatMap((file) => reader.importsOf(file));
const violations = findViolations(edges);

describe('import direction', () => {
  it('finds the source tree and its imports', () => {
    expect(reader.sourceFiles.length).toBeGreaterThan(50);
    expect(reader.sourceFiles.some((f) => f.endsWith('.test.ts'))).toBe(false);
    expect(edges.length).toBeGreaterThan(reader.sourceFiles.length);
  });

  it('every module of src/ has a rule built from DESIGN.md', () => {
    const modules = new Set(reader.sourceFiles.map((f) => moduleOf(f.slice('src/'.length))));
    expect([...modules].filter((m) => !ruleOf(m))).toEqual([]);
  });

  it('every import points down the dependency direction, except the allow-listed ones', () => {
    const report = unlisted(violations, allowedViolations).map(
      (v) => `${v.key} (line ${v.lines.join(', ')}): ${v.reason}`,
    );
    expect(report, 'fix these imports (allowed-violations.ts must never grow)').toEqual([]);
  });

  it('connectors use only the sdk, the kit, node built-ins and their own client libraries', () => {
    const report = violations.filter((v) => v.key.startsWith('src/connectors/')).map((v) => `${v.key}: ${v.reason}`);
    expect(report).toEqual([]);
  });

  it('the allow-list only shrinks: every entry is still a violation', () => {
    expect(
      staleEntries(violations, allowedViolations),
      'no longer violations: delete these lines from allowed-violations.ts',
    ).toEqual([]);
  });

  it('the allow-list names each violation once and stays under its ceiling', () => {
    expect(allowedViolations.filter((key, i) => allowedViolations.indexOf(key) !== i)).toEqual([]);
    expect(allowedViolations.length).toBeLessThanOrEqual(allowedViolationsCeiling);
  });
});
