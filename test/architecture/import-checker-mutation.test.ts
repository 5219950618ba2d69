import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedViolations } from './allowed-violations.js';
import { findViolations, staleEntries, unlisted } from './check-imports.js';
import { createImportReader, repoRoot } from './read-imports.js';

/**
 * The checker fails on a wrong import: each mutant below is a virtual source file (parsed and resolved
 * as if it were on disk, never written) that breaks one arrow of DESIGN.md in one import form, and must
 * be reported under exactly the expected key. Clean files, and imports that are only comments or
 * strings, must not be.
 */
const mutants: readonly { name: string; file: string; text: string; key: string }[] = [
  {
    name: 'cli imports the store (static)',
    file: 'src/cli/mutant-static.ts',
    text: "import { openStore } from '../store/open-store.js';\nexport const s = openStore;\n",
    key: 'src/cli/mutant-static.ts → src/store/open-store.ts',
  },
  {
    name: 'cli imports a store type (type-only)',
    file: 'src/cli/mutant-type.ts',
    text: "import type { StateStore } from '../store/state-store.js';\nexport type S = StateStore;\n",
    key: 'src/cli/mutant-type.ts → src/store/state-store.ts',
  },
  {
    name: 'server imports engine internals (multi-line, named type bindings)',
    file: 'src/server/mutant-multiline.ts',
    text: "import {\n  type RunDeps,\n  type RunOptions,\n} from\n  '../engine/run-flow.js';\nexport type C = RunDeps | RunOptions;\n",
    key: 'src/server/mutant-multiline.ts → src/engine/run-flow.ts',
  },
  {
    name: 'sdk imports the engine for its side effects',
    file: 'src/sdk/mutant-side-effect.ts',
    text: "import '../engine/index.js';\n",
    key: 'src/sdk/mutant-side-effect.ts → src/engine/index.ts',
  },
  {
    name: 'a connector imports another connector (dynamic import)',
    file: 'src/connectors/http/mutant-dynamic.ts',
    text: "export const load = async () => (await import('../postgres/index.js')).postgresConnector;\n",
    key: 'src/connectors/http/mutant-dynamic.ts → src/connectors/postgres/index.ts',
  },
  {
    name: 'sdk imports the engine (dynamic import of a template literal)',
    file: 'src/sdk/mutant-template.ts',
    text: 'export const load = () => import(`../engine/index.js`);\n',
    key: 'src/sdk/mutant-template.ts → src/engine/index.ts',
  },
  {
    name: 'cli re-exports the engine (export *)',
    file: 'src/cli/mutant-reexport.ts',
    text: "export * from '../engine/engine.js';\n",
    key: 'src/cli/mutant-reexport.ts → src/engine/engine.ts',
  },
  {
    name: 'server re-exports a store type (export type { } from)',
    file: 'src/server/mutant-reexport-type.ts',
    text: "export type { StateStore } from '../store/index.js';\n",
    key: 'src/server/mutant-reexport-type.ts → src/store/index.ts',
  },
  {
    name: 'kit (not yet created) requires the store',
    file: 'src/kit/mutant-require.ts',
    text:
      "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n" +
      "export const store = require('../store/index.js');\n",
    key: 'src/kit/mutant-require.ts → src/store/index.ts',
  },
  {
    name: 'app imports a connector (import = require)',
    file: 'src/app/mutant-import-equals.ts',
    text: "import file = require('../connectors/file/index.js');\nexport const f = file;\n",
    key: 'src/app/mutant-import-equals.ts → src/connectors/file/index.ts',
  },
  {
    name: 'cli names a store type through typeof import()',
    file: 'src/cli/mutant-type-query.ts',
    text: "export type Store = typeof import('../store/index.js');\n",
    key: 'src/cli/mutant-type-query.ts → src/store/index.ts',
  },
  {
    name: 'app imports the cli (an arrow pointing up)',
    file: 'src/app/mutant-up.ts',
    text: "import { runCommand } from '../cli/run-command.js';\nexport const r = runCommand;\n",
    key: 'src/app/mutant-up.ts → src/cli/run-command.ts',
  },
  {
    name: 'the engine imports a connector (connectors are registered, never imported)',
    file: 'src/engine/mutant-connector.ts',
    text: "import { fileConnector } from '../connectors/file/index.js';\nexport const c = fileConnector;\n",
    key: 'src/engine/mutant-connector.ts → src/connectors/file/index.ts',
  },
  {
    name: 'the engine imports the queue (it knows no queue)',
    file: 'src/engine/mutant-queue.ts',
    text: "import '../queue/index.js';\n",
    key: 'src/engine/mutant-queue.ts → src/queue/index.ts',
  },
  {
    name: 'cli imports connector internals (only a connector index is registered)',
    file: 'src/cli/mutant-connector-internals.ts',
    text: "import { pagingOf } from '../connectors/http/pagination.js';\nexport const n = pagingOf;\n",
    key: 'src/cli/mutant-connector-internals.ts → src/connectors/http/pagination.ts',
  },
  {
    name: 'cli imports a connector for its side effects (register it explicitly)',
    file: 'src/cli/mutant-register.ts',
    text: "import '../connectors/http/index.js';\n",
    key: 'src/cli/mutant-register.ts → src/connectors/http/index.ts',
  },
  {
    name: 'a connector imports a client library it does not declare',
    file: 'src/connectors/file/mutant-package.ts',
    text: "import pg from 'pg';\nexport const p = pg;\n",
    key: 'src/connectors/file/mutant-package.ts → package pg',
  },
  {
    name: 'the demo imports the engine',
    file: 'src/demo/mutant.ts',
    text: "import type { Engine } from '../engine/index.js';\nexport type E = Engine;\n",
    key: 'src/demo/mutant.ts → src/engine/index.ts',
  },
  {
    name: 'source code imports a test helper',
    file: 'src/observe/mutant-outside.ts',
    text: "import { syncline } from '../../test/helpers/cli.js';\nexport const s = syncline;\n",
    key: 'src/observe/mutant-outside.ts → test/helpers/cli.ts',
  },
  {
    name: 'an import the compiler cannot resolve',
    file: 'src/steps/mutant-unresolved.ts',
    text: "import { gone } from './no-such-file.js';\nexport const g = gone;\n",
    key: "src/steps/mutant-unresolved.ts → unresolved './no-such-file.js'",
  },
  {
    name: 'a dynamic import of a computed name (cannot be checked)',
    file: 'src/sdk/mutant-computed.ts',
    text: "const name = '../engine/index.js';\nexport const load = () => import(name);\n",
    key: 'src/sdk/mutant-computed.ts → computed name',
  },
  {
    name: 'a module with no rule',
    file: 'src/widgets/mutant.ts',
    text: "import type { Json } from '../sdk/index.js';\nexport type J = Json;\n",
    key: 'src/widgets/mutant.ts → src/sdk/index.ts',
  },
];

/** Files that follow the design; the kit entry is virtual until that module exists. */
const clean: Readonly<Record<string, string>> = {
  'src/kit/index.ts': "export const kit = 'kit';\n",
  'src/cli/mutant-clean.ts': [
    "import { readFileSync } from 'node:fs';",
    "import { Command } from 'commander';",
    "import { createSyncline } from '../app/index.js';",
    "import { httpConnector } from '../connectors/http/index.js';",
    "import type { Json } from '../sdk/index.js';",
    "import { builtinSteps } from '../steps/index.js';",
    "// import { openStore } from '../store/open-store.js';",
    "/* export * from '../engine/engine.js'; */",
    "export const text = \"import x from '../engine/index.js'; import('../store/index.js')\";",
    'export const all = [readFileSync, Command, createSyncline, httpConnector, builtinSteps];',
    'export type J = Json;',
    '',
  ].join('\n'),
  'src/connectors/http/mutant-clean.ts': [
    "import { createHash } from 'node:crypto';",
    "import { z } from 'zod';",
    "import { kit } from '../../kit/index.js';",
    "import type { Json } from '../../sdk/index.js';",
    "export const load = () => import('./pagination.js');",
    'export const all = [createHash, z, kit];',
    'export type J = Json;',
    '',
  ].join('\n'),
  'src/app/mutant-clean.ts': [
    "import type { Engine } from '../engine/index.js';",
    "import type { StateStore } from '../store/index.js';",
    "import { createSyncline } from './index.js';",
    'export type Both = Engine | StateStore;',
    'export const c = createSyncline;',
    '',
  ].join('\n'),
};

const overlay = { ...clean, ...Object.fromEntries(mutants.map((m) => [m.file, m.text])) };
const reader = createImportReader(overlay);

describe('the import checker fails on a wrong import', () => {
  it.each(mutants)('reports: $name', ({ file, key }) => {
    expect(findViolations(reader.importsOf(file)).map((v) => v.key)).toEqual([key]);
  });

  it('reports nothing for files that follow the design, nor for imports inside comments and strings', () => {
    expect(findViolations(Object.keys(clean).flatMap((file) => reader.importsOf(file)))).toEqual([]);
  });

  it('reads every import form from the syntax tree', () => {
    const forms = (file: string) => reader.importsOf(file).map((e) => e.form);
    expect(forms('src/cli/mutant-reexport.ts')).toEqual(['re-export']);
    expect(forms('src/server/mutant-multiline.ts')).toEqual(['import type']);
    expect(forms('src/sdk/mutant-side-effect.ts')).toEqual(['side-effect']);
    expect(forms('src/connectors/http/mutant-dynamic.ts')).toEqual(['dynamic import']);
    expect(forms('src/kit/mutant-require.ts')).toEqual(['import', 'require']);
    expect(forms('src/app/mutant-import-equals.ts')).toEqual(['require']);
    expect(forms('src/cli/mutant-type-query.ts')).toEqual(['type query']);
    expect(forms('src/cli/mutant-clean.ts')).toEqual(['import', 'import', 'import', 'import', 'import type', 'import']);
  });

  it('the allow-list excuses no mutant', () => {
    const edges = mutants.flatMap(({ file }) => reader.importsOf(file));
    expect(unlisted(findViolations(edges), allowedViolations).map((v) => v.key)).toEqual(
      mutants.map((m) => m.key).sort(),
    );
  });

  it('the allow-list check notices an entry that is no longer a violation', () => {
    const violations = findViolations(reader.importsOf('src/cli/mutant-static.ts'));
    const fixed = 'src/cli/mutant-clean.ts → src/store/open-store.ts';
    expect(staleEntries(violations, [mutants[0]?.key ?? '', fixed])).toEqual([fixed]);
  });

  it('writes nothing: the mutants exist only in the overlay', () => {
    expect(Object.keys(overlay).filter((f) => f.includes('mutant') && existsSync(join(repoRoot, f)))).toEqual([]);
  });
});
