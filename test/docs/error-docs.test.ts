import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorDocs } from '../../scripts/error-docs.js';
import { errorCatalog } from '../../src/sdk/index.js';

describe('docs/errors.md', () => {
  it('is generated from the error catalog (run `npm run docs` after changing codes)', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(errorDocs());
  });

  it('documents every code with a summary and a fix', () => {
    for (const [code, entry] of Object.entries(errorCatalog)) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(entry.summary.length).toBeGreaterThan(10);
      expect(entry.fix.length).toBeGreaterThan(5);
    }
  });
});
