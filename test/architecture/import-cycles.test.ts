import { describe, expect, it } from 'vitest';
import { type FileEdge, findCycles } from './import-cycles.js';
import { createImportReader } from './read-imports.js';

/**
 * Issue 13: no import cycles inside a connector folder or the kit. A cycle makes the load order of a
 * folder's files matter (a value read before its module ran is undefined) and makes a file impossible to
 * understand or test without the ones that import it back. Every import counts, type-only ones too: they
 * are the same knot in the design, only erased at run time.
 */
const reader = createImportReader();
const edges: FileEdge[] = reader.sourceFiles.flatMap((file) =>
  reader.importsOf(file).flatMap((e) => (e.target.kind === 'file' ? [{ from: e.file, to: e.target.path }] : [])),
);

/**
 * Cycles allowed to stay until their folder is rewritten: none today (the http connector's two went with
 * its rebuild on the kit). The list only shrinks: an entry that is no longer a cycle fails the last test.
 */
const allowedCycles: readonly string[] = [];

/** src/kit, and each src/connectors/<name>: the folders whose files must import each other one way. */
function folders(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of reader.sourceFiles) {
    const connector = /^src\/connectors\/[^/]+\//.exec(file)?.[0];
    const folder = connector ?? (file.startsWith('src/kit/') ? 'src/kit/' : undefined);
    if (folder === undefined) continue;
    out.set(folder, [...(out.get(folder) ?? []), file]);
  }
  return out;
}

describe('import cycles', () => {
  it('findCycles finds a cycle of two, of three and a self-import, and nothing in a chain', () => {
    const e = (from: string, to: string): FileEdge => ({ from, to });
    expect(findCycles(['a', 'b', 'c'], [e('a', 'b'), e('b', 'c')])).toEqual([]);
    expect(findCycles(['a', 'b', 'c'], [e('a', 'b'), e('b', 'a'), e('b', 'c')])).toEqual([['a', 'b']]);
    expect(findCycles(['a', 'b', 'c', 'd'], [e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd')])).toEqual([
      ['a', 'b', 'c'],
    ]);
    expect(findCycles(['a'], [e('a', 'a')])).toEqual([['a']]);
    // an edge leaving the set does not close a cycle through outside files
    expect(findCycles(['a', 'b'], [e('a', 'b'), e('b', 'x'), e('x', 'a')])).toEqual([]);
  });

  it('reads the connector folders and the kit', () => {
    const names = [...folders().keys()];
    expect(names).toContain('src/kit/');
    expect(names).toContain('src/connectors/postgres/');
    expect(names.length).toBeGreaterThan(5);
  });

  const found: string[] = [];
  for (const [folder, files] of folders()) {
    for (const cycle of findCycles(files, edges)) {
      found.push(`${folder}: ${cycle.map((f) => f.slice(folder.length)).join(' ⇄ ')}`);
    }
  }

  it('no file of a connector folder or of the kit imports itself back through the others', () => {
    expect(
      found.filter((c) => !allowedCycles.includes(c)),
      'break these cycles: move what both sides need into a file both import',
    ).toEqual([]);
  });

  it('the allowed cycles are still cycles (delete an entry once its cycle is broken)', () => {
    expect(allowedCycles.filter((c) => !found.includes(c))).toEqual([]);
  });
});
