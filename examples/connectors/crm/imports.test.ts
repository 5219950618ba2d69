import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createImportReader, type ImportEdge, type ImportReader } from '../../../test/architecture/read-imports.js';

const folder = 'examples/connectors/crm';
/** What a connector may import (docs/architecture.md): the sdk, the kit, node built-ins and its client library. */
const clientLibraries = ['zod'];

/** Every import of a connector file that the rule forbids, as `file:line → target`. */
function forbidden(reader: ImportReader, files: readonly string[]): string[] {
  const allowed = (edge: ImportEdge): boolean => {
    const t = edge.target;
    if (t.kind === 'builtin') return true;
    if (t.kind === 'package') return clientLibraries.includes(t.name);
    if (t.kind !== 'file') return false;
    return t.path.startsWith('src/sdk/') || t.path.startsWith('src/kit/') || t.path.startsWith(`${folder}/`);
  };
  const shown = (edge: ImportEdge): string => {
    const t = edge.target;
    const target =
      t.kind === 'file' ? t.path : t.kind === 'unresolved' ? t.specifier : t.kind === 'expression' ? t.text : t.name;
    return `${edge.file}:${edge.line} → ${target}`;
  };
  return files.flatMap((file) =>
    reader
      .importsOf(file)
      .filter((edge) => !allowed(edge))
      .map(shown),
  );
}

const sources = readdirSync(folder)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => `${folder}/${f}`);

describe('the crm example connector imports only sdk, kit, node built-ins and zod', () => {
  it('holds for every file of the connector', () => {
    expect(sources.length).toBeGreaterThanOrEqual(7);
    expect(forbidden(createImportReader(), sources)).toEqual([]);
  });

  it('the check sees a file that reaches into the engine, another connector or an undeclared package', () => {
    const bad = `${folder}/bad-source.ts`;
    const reader = createImportReader({
      [bad]: [
        "import { createEngine } from '../../../src/engine/index.js';",
        "import { httpConnector } from '../../../src/connectors/http/index.js';",
        "import pino from 'pino';",
        "import { contactsSource } from './contacts-source.js';",
        'export { createEngine, httpConnector, pino, contactsSource };',
      ].join('\n'),
    });
    expect(forbidden(reader, [bad])).toEqual([
      `${bad}:1 → src/engine/index.ts`,
      `${bad}:2 → src/connectors/http/index.ts`,
      `${bad}:3 → pino`,
    ]);
  });
});
