import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

/** A `syncline <command>` of the CLI (src/cli/main.ts), as a message would spell it. */
const COMMAND =
  /\bsyncline (errors|run|runs|secrets|serve|preview|schema|token|status|validate|connections|ids|init|worker|emulate|conflicts|links|deletes)\b/;

/**
 * Modules that may spell commands: the CLI renders next steps as command lines, and the demo is a
 * terminal script that prints the commands to try.
 */
const ADAPTERS = ['src/cli/', 'src/demo/'];

/**
 * Files still spelling commands, each with the reason; the test fails when one of them no longer does
 * (so the list only shrinks).
 */
const NOT_YET: Readonly<Record<string, string>> = {};

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** The string and template literals of a file (comments are not literals) that name a command, with their line. */
function commandsIn(path: string, text: string): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      const m = COMMAND.exec(node.text);
      if (m) found.push(`${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${m[0]}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('messages outside the CLI', () => {
  it('name no `syncline <command>`: they give next steps as data (NextAction) that each adapter renders', () => {
    const found = sourceFiles('src')
      .filter((p) => !ADAPTERS.some((a) => p.startsWith(a)) && NOT_YET[p] === undefined)
      .flatMap((p) => commandsIn(p, readFileSync(join(root, p), 'utf8')));
    expect(found).toEqual([]);
  });

  it.each(Object.keys(NOT_YET))('%s still spells a command (else remove it from NOT_YET)', (path) => {
    expect(commandsIn(path, readFileSync(join(root, path), 'utf8')).length).toBeGreaterThan(0);
  });

  it('sees commands in string and template literals, not in comments', () => {
    const text = [
      '// run `syncline serve` first',
      '/** see `syncline errors list` */',
      "const a = 'try syncline secrets set X';",
      'const b = `run ${x} with syncline run <file>`;',
      'const c = "the syncline server";',
    ].join('\n');
    expect(commandsIn('x.ts', text)).toEqual(['x.ts:3: syncline secrets', 'x.ts:4: syncline run']);
  });
});
