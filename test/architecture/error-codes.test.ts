import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinConnectors } from '../../src/cli/builtins.js';
import * as kit from '../../src/kit/index.js';
import { type Connector, coreErrors, type ErrorCatalog, errorRegistry } from '../../src/sdk/index.js';

const root = new URL('../../', import.meta.url).pathname;

/** The non-test TypeScript files under a folder of the repository. */
function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && entry.name !== 'test-helpers.ts') {
      out.push(path);
    }
  }
  return out;
}

interface Raise {
  readonly at: string;
  readonly code: string;
  /** `new`: `new FlowError('CODE', …)`; `fail`: a catalog's `fail('CODE', …)`. */
  readonly how: 'new' | 'fail';
}

/** Every literal code a file raises, with file:line. */
function raisesIn(path: string, text: string): Raise[] {
  const out: Raise[] = [];
  for (const [pattern, how] of [
    [/new FlowError\(\s*'([A-Z][A-Z_]*)'/g, 'new'],
    [/\.fail\(\s*'([A-Z][A-Z_]*)'/g, 'fail'],
  ] as const) {
    for (const m of text.matchAll(pattern)) {
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ at: `${path}:${line}`, code: m[1] as string, how });
    }
  }
  return out;
}

/** The text of each `new FlowError(<expression>, …)` call whose code is not a literal. */
function rewraps(path: string, text: string): { at: string; call: string }[] {
  const out: { at: string; call: string }[] = [];
  for (const m of text.matchAll(/new FlowError\(\s*[a-z]/g)) {
    let depth = 0;
    let end = m.index;
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')' && --depth === 0) break;
    }
    out.push({ at: `${path}:${text.slice(0, m.index).split('\n').length}`, call: text.slice(m.index, end + 1) });
  }
  return out;
}

/** A FlowError rebuilt from another with a code held in a variable must carry its kind over: the constructor knows only core codes. */
function kindLost(path: string, text: string): string[] {
  return rewraps(path, text)
    .filter((r) => !/\bkind\b/.test(r.call))
    .map((r) => `${r.at}: a FlowError rebuilt with a code from a variable must pass \`kind\` (e.g. kind: e.kind)`);
}

const core = new Set(Object.keys(coreErrors.codes));
const codesOf = (catalogs: readonly ErrorCatalog[]) => new Set(catalogs.flatMap((c) => Object.keys(c.codes)));
const isCatalog = (value: unknown): value is ErrorCatalog =>
  typeof value === 'object' && value !== null && 'owner' in value && 'codes' in value && 'fail' in value;

/** What is wrong with the codes a folder raises, given the catalogs it declares. */
function undeclared(raises: readonly Raise[], declared: ReadonlySet<string>, declares: string): string[] {
  const problems: string[] = [];
  for (const r of raises) {
    if (r.how === 'new' && !core.has(r.code)) {
      problems.push(
        declared.has(r.code)
          ? `${r.at}: new FlowError('${r.code}') gets neither kind nor hint (only core codes do): raise it with its catalog's fail('${r.code}', …)`
          : `${r.at}: ${r.code} is in no catalog ${declares} declares: add it to one (defineErrors) and list that in \`errors\``,
      );
    }
    if (r.how === 'fail' && !declared.has(r.code)) {
      problems.push(
        `${r.at}: ${r.code} is raised but no catalog ${declares} declares lists it: add the catalog to \`errors\``,
      );
    }
  }
  return problems;
}

describe('error codes', () => {
  it('no two catalogs of the registered connectors (or the core) define one code', () => {
    expect(() => errorRegistry(builtinConnectors)).not.toThrow();
  });

  it.each(builtinConnectors.map((c) => [c.name, c] as const))(
    'connector %s raises only core codes and the codes its `errors` declare',
    (name, connector: Connector) => {
      const declared = codesOf(connector.errors ?? []);
      const raises = sourceFiles(`src/connectors/${name}`).flatMap((p) =>
        raisesIn(p, readFileSync(join(root, p), 'utf8')),
      );
      expect(undeclared(raises, declared, `connector ${name}`)).toEqual([]);
      const files = sourceFiles(`src/connectors/${name}`);
      expect(files.flatMap((p) => kindLost(p, readFileSync(join(root, p), 'utf8')))).toEqual([]);
    },
  );

  it('the kit raises only core codes and the codes of its own catalogs', () => {
    const declared = codesOf((Object.values(kit) as unknown[]).filter(isCatalog));
    const raises = sourceFiles('src/kit').flatMap((p) => raisesIn(p, readFileSync(join(root, p), 'utf8')));
    expect(undeclared(raises, declared, 'the kit')).toEqual([]);
    const files = sourceFiles('src/kit');
    expect(files.flatMap((p) => kindLost(p, readFileSync(join(root, p), 'utf8')))).toEqual([]);
  });

  it('finds a FlowError rebuilt from a variable code without its kind', () => {
    const text =
      "a = new FlowError(e.code, `x ${f(1)}`, { where });\nb = new FlowError(e.code, 'y', { kind: e.kind });";
    expect(kindLost('x.ts', text)).toEqual([
      'x.ts:1: a FlowError rebuilt with a code from a variable must pass `kind` (e.g. kind: e.kind)',
    ]);
  });

  it('finds a code a connector raises without declaring it, and a declared code built without its catalog', () => {
    const raises = raisesIn(
      'x.ts',
      "throw new FlowError('SQL_ERROR', 'a');\nthrow sqlErrors.fail(\n  'HTTP_AUTH', 'b');\nnew FlowError('CONFIG_INVALID', 'c');\nnew FlowError('NOT_ANYWHERE', 'd');",
    );
    expect(raises.map((r) => `${r.at} ${r.how} ${r.code}`)).toEqual([
      'x.ts:1 new SQL_ERROR',
      'x.ts:4 new CONFIG_INVALID',
      'x.ts:5 new NOT_ANYWHERE',
      'x.ts:2 fail HTTP_AUTH',
    ]);
    expect(undeclared(raises, new Set(['SQL_ERROR']), 'x')).toEqual([
      "x.ts:1: new FlowError('SQL_ERROR') gets neither kind nor hint (only core codes do): raise it with its catalog's fail('SQL_ERROR', …)",
      'x.ts:5: NOT_ANYWHERE is in no catalog x declares: add it to one (defineErrors) and list that in `errors`',
      'x.ts:2: HTTP_AUTH is raised but no catalog x declares lists it: add the catalog to `errors`',
    ]);
  });
});
