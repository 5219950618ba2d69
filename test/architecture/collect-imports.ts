import ts from 'typescript';

/** How a file names another module. */
export type ImportForm =
  | 'import' // import { a } from '…', import a from '…', import * as a from '…'
  | 'import type' // import type { A } from '…' (also when every named binding is `type`)
  | 'side-effect' // import '…'
  | 're-export' // export * from '…', export { a } from '…', export type { A } from '…'
  | 'dynamic import' // import('…')
  | 'require' // require('…'), import a = require('…')
  | 'type query'; // typeof import('…'), import('…').A in a type

/** One import as written: its specifier (a string literal), or `expression` for an argument no checker can follow. */
export interface WrittenImport {
  readonly form: ImportForm;
  readonly line: number;
  /** The literal, with the node needed to pick its resolution mode; absent when the argument is not a literal. */
  readonly literal?: ts.StringLiteralLike;
  /** The source text of a non-literal `import(x)` / `require(x)` argument. */
  readonly expression?: string;
}

/**
 * Every import of a parsed file, found by walking the syntax tree (never by matching text): static,
 * type-only, side-effect, re-exports, `import()` and `require()` calls, `import x = require()` and
 * import types. Comments and strings that merely look like imports are not imports.
 */
export function collectImports(file: ts.SourceFile): WrittenImport[] {
  const found: WrittenImport[] = [];
  const add = (form: ImportForm, node: ts.Node, argument: ts.Node | undefined) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    if (argument && ts.isStringLiteralLike(argument)) found.push({ form, line, literal: argument });
    else found.push({ form, line, expression: argument ? argument.getText(file) : '(no argument)' });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(importForm(node), node, node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add('re-export', node, node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add('require', node, node.moduleReference.expression);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      add('type query', node, ts.isLiteralTypeNode(argument) ? argument.literal : argument);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add('dynamic import', node, node.arguments[0]);
    } else if (isRequireCall(node)) {
      add('require', node, node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function importForm(node: ts.ImportDeclaration): ImportForm {
  const clause = node.importClause;
  if (!clause) return 'side-effect';
  if (clause.isTypeOnly) return 'import type';
  const bindings = clause.namedBindings;
  const allTypes =
    !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.every((e) => e.isTypeOnly);
  return allTypes && bindings.elements.length > 0 ? 'import type' : 'import';
}

/** `require('…')` (also from `createRequire`) or `module.require('…')`. */
function isRequireCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  return (
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'require' &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'module'
  );
}
