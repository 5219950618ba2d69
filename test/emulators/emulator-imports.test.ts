import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The emulators are stand-ins for the vendors' servers, built on their own into dist/emulators
 * (tsconfig.emulators.json) and run by `syncline emulate` as a process of their own: they import
 * nothing from src/ (nor from the rest of test/), only node built-ins and their runtime packages.
 */
const root = dirname(fileURLToPath(import.meta.url));
const packages = new Set(['fastify', 'zod', 'yaml']);
/** Test helpers of the http connector that live here but are not part of the emulators' build. */
const notShipped = new Set(['http/http-fixture.ts']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('emulator imports', () => {
  const shipped = files(root).filter((f) => !f.endsWith('.test.ts') && !notShipped.has(relative(root, f)));

  it('finds the emulators', () => {
    expect(shipped.map((f) => relative(root, f))).toEqual(
      expect.arrayContaining(['main.ts', 'registry.ts', 'crm/crm-emulator.ts', 'kit/record-set.ts']),
    );
  });

  it('import only each other, node built-ins and fastify, zod, yaml', () => {
    const wrong = shipped.flatMap((file) =>
      ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.flatMap(({ fileName: name }) => {
        if (name.startsWith('.')) {
          const target = resolve(dirname(file), name);
          return relative(root, target).startsWith('..') ? [`${relative(root, file)} → ${name}`] : [];
        }
        const bare = name.replace(/^node:/, '').split('/')[0] ?? '';
        return builtinModules.includes(bare) || packages.has(bare) ? [] : [`${relative(root, file)} → ${name}`];
      }),
    );
    expect(wrong).toEqual([]);
  });
});
