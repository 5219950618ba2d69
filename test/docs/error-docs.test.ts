import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorDocs } from '../../scripts/error-docs.js';
import { builtinConnectors } from '../../src/cli/builtins.js';
import { type CatalogEntry, errorRegistry } from '../../src/sdk/index.js';

describe('docs/errors.md', () => {
  it('is generated from the core catalog and every registered connector (run `npm run docs` after changing codes)', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(errorDocs());
  });

  it('documents every code with a summary and a fix', () => {
    for (const { catalog } of errorRegistry(builtinConnectors).catalogs) {
      for (const [code, entry] of Object.entries(catalog.codes) as [string, CatalogEntry][]) {
        expect(code).toMatch(/^[A-Z][A-Z_]+$/);
        expect(entry.summary.length).toBeGreaterThan(10);
        expect(entry.fix.length).toBeGreaterThan(5);
      }
    }
  });

  it("says which connectors a section's codes belong to", () => {
    const docs = errorDocs();
    expect(docs).toContain('## Connector `file` (`src/connectors/file`)');
    expect(docs).toContain('## Connectors `sqlite`, `postgres`, `mysql` (`src/kit/sql`)');
    expect(docs).toMatch(/\| `SQL_ERROR` \| config \| /);
  });
});
