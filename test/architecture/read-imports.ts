import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { collectImports, type ImportForm } from './collect-imports.js';

/** The repository's root, with a trailing slash. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What an import resolves to: a file of the repository (path relative to its root), an npm package, a node built-in. */
export type ImportTarget =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'package'; readonly name: string }
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'unresolved'; readonly specifier: string }
  | { readonly kind: 'expression'; readonly text: string };

export interface ImportEdge {
  /** The importing file, relative to the repository root: `src/cli/main.ts`. */
  readonly file: string;
  readonly line: number;
  readonly form: ImportForm;
  readonly target: ImportTarget;
}

export interface ImportReader {
  /** The project's non-test source files under src/ (from tsconfig.json), relative to the repository root. */
  readonly sourceFiles: readonly string[];
  /** Every import of one file (a source file, or a virtual one of the overlay), resolved. */
  importsOf(file: string): ImportEdge[];
}

/**
 * Reads imports the way the compiler does: tsconfig.json's options (NodeNext, so `./x.js` names `./x.ts`),
 * one parse per file and `ts.resolveModuleName` with a shared cache. `overlay` adds virtual files
 * (path relative to the root → text) that are parsed and resolved as if they were on disk, and can be
 * import targets: nothing is written.
 */
export function createImportReader(overlay: Readonly<Record<string, string>> = {}): ImportReader {
  const virtual = new Map(Object.entries(overlay).map(([path, text]) => [join(repoRoot, path), text]));
  const host: ts.ModuleResolutionHost = {
    fileExists: (f) => virtual.has(f) || ts.sys.fileExists(f),
    readFile: (f) => virtual.get(f) ?? ts.sys.readFile(f),
    directoryExists: (d) =>
      ts.sys.directoryExists(d) || [...virtual.keys()].some((f) => f.startsWith(d.endsWith('/') ? d : `${d}/`)),
    getCurrentDirectory: () => repoRoot,
    getDirectories: (d) => ts.sys.getDirectories(d),
  };
  const config = readTsconfig();
  const options = config.options;
  const cache = ts.createModuleResolutionCache(repoRoot, (f) => f, options);
  const sourceFiles = config.fileNames
    .map((f) => relative(repoRoot, f))
    .filter((f) => f.startsWith('src/') && !f.endsWith('.test.ts'))
    .sort();

  const importsOf = (file: string): ImportEdge[] => {
    const fileName = join(repoRoot, file);
    const text = host.readFile(fileName);
    if (text === undefined) throw new Error(`cannot read ${file}`);
    const impliedNodeFormat = ts.getImpliedNodeFormatForFile(fileName, cache.getPackageJsonInfoCache(), host, options);
    const parsed = ts.createSourceFile(
      fileName,
      text,
      { languageVersion: ts.ScriptTarget.Latest, impliedNodeFormat, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
      true,
    );
    return collectImports(parsed).map(({ form, line, literal, expression }) => {
      if (!literal) return { file, line, form, target: { kind: 'expression', text: expression ?? '' } };
      const specifier = literal.text;
      if (isBuiltin(specifier)) return { file, line, form, target: { kind: 'builtin', name: specifier } };
      const mode = ts.getModeForUsageLocation(parsed, literal, options);
      const { resolvedModule } = ts.resolveModuleName(specifier, fileName, options, host, cache, undefined, mode);
      return { file, line, form, target: targetOf(specifier, resolvedModule) };
    });
  };
  return { sourceFiles, importsOf };
}

function readTsconfig(): ts.ParsedCommandLine {
  const path = join(repoRoot, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(path, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, repoRoot, undefined, path);
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier);
}

function targetOf(specifier: string, resolved: ts.ResolvedModuleFull | undefined): ImportTarget {
  if (!resolved) return { kind: 'unresolved', specifier };
  if (resolved.isExternalLibraryImport) {
    const bare = !specifier.startsWith('.') && !specifier.startsWith('/');
    return { kind: 'package', name: bare ? packageName(specifier) : (resolved.packageId?.name ?? specifier) };
  }
  return { kind: 'file', path: relative(repoRoot, resolved.resolvedFileName) };
}

/** `pg` for `pg`, `mysql2` for `mysql2/promise`, `@scope/name` for `@scope/name/sub`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}
