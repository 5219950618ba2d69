import { type Document, isScalar, LineCounter, parseDocument, type Scalar, visit } from 'yaml';
import type { ProblemList } from './problems.js';
import { type ProtectedText, protectReferences } from './reference-tokens.js';
import { createTreeLocator } from './tree-locator.js';
import { createLocator, type Location, type Locator } from './yaml-locator.js';
import { readYamlSubset } from './yaml-subset.js';

export interface ParsedYaml {
  /** The full parser's document; `undefined` when the subset reader read the file (see `value`). */
  readonly doc: Document | undefined;
  /** What the subset reader read (plain objects and arrays; references not resolved yet). */
  readonly value: unknown;
  readonly locator: Locator;
  readonly tokens: ProtectedText;
  /** True when the structure cannot be trusted (syntax errors other than duplicate keys). */
  readonly fatal: boolean;
}

/** `Map keys must be unique at line 3, column 1:\n\n…` → `Map keys must be unique` */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

const meanings: Record<string, string> = {
  '*': 'an alias (a reference to an anchor)',
  '&': 'an anchor',
  '!': 'a tag',
  '@': 'a reserved character',
  '`': 'a reserved character',
  '%': 'a directive',
};

/** A plain `key: value` line whose value starts with a character YAML reserves (e.g. an unquoted cron). */
function specialValue(lineText: string): { key: string; value: string; col: number; meaning: string } | undefined {
  const m = /^(\s*(?:-\s+)?)([\w.$-]+):\s+([*&!@`%].*?)\s*(?:#.*)?$/.exec(lineText);
  if (m === null) return undefined;
  const [, indent = '', key = '', value = ''] = m;
  const meaning = meanings[value[0] ?? ''];
  if (meaning === undefined) return undefined;
  // an alias to a real anchor (`*defaults`) is fine and never reaches here without an error
  return { key, value, col: lineText.indexOf(value, indent.length + key.length) + 1, meaning };
}

/** Keys that appear a second time in their map, in one pass with a set per map. */
function duplicateKeys(doc: Document): Scalar[] {
  const out: Scalar[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) out.push(pair.key);
        else seen.add(pair.key.value);
      }
    },
  });
  return out;
}

function duplicateKey(name: string, at: Location, problems: ProblemList): void {
  problems.add(
    'CONFIG_YAML_SYNTAX',
    at,
    `duplicate key "${name}": a key may appear only once in a map`,
    `Rename or remove one of the "${name}" entries (connection, flow and step names must be unique).`,
  );
}

/** Parses the text with line counting and `<<` merge keys; syntax errors become located problems. */
export function parseYaml(text: string, file: string, problems: ProblemList): ParsedYaml {
  const tokens = protectReferences(text);
  // The subset reader reads most flow files in a fraction of the full parser's time and memory
  // (issue 11 item 27: 10,000 flows); the full parser reads the rest and reports syntax errors.
  const tree = readYamlSubset(tokens.text);
  if (tree !== undefined) {
    const locator = createTreeLocator(tree, file);
    for (const { key, offset } of tree.duplicates)
      duplicateKey(tokens.restore(key), locator.ofOffset(offset), problems);
    return { doc: undefined, value: tree.value, locator, tokens, fatal: false };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(tokens.text, { lineCounter, merge: true, prettyErrors: true, uniqueKeys: false });
  const locator = createLocator(doc, lineCounter, file);
  let fatal = false;
  const syntaxLines = new Set<number>();
  let sourceLines: string[] | undefined;
  for (const error of doc.errors) {
    const offset = error.pos[0];
    const { line, col } = lineCounter.linePos(offset);
    const at = { where: `${file}:${line}:${col}`, line, col };
    {
      fatal = true;
      // one problem per line: an unquoted `*/5 * * * *` gives yaml one error per `*`
      if (syntaxLines.has(line)) continue;
      syntaxLines.add(line);
      sourceLines ??= text.split('\n');
      const unquoted = specialValue(tokens.restore(sourceLines[line - 1] ?? ''));
      if (unquoted !== undefined) {
        problems.add(
          'CONFIG_YAML_SYNTAX',
          { where: `${file}:${line}:${unquoted.col}`, line, col: unquoted.col },
          `the value ${unquoted.value} starts with "${unquoted.value[0]}", which YAML reads as ${unquoted.meaning}, not as text`,
          `Quote the value: ${unquoted.key}: "${unquoted.value.replace(/"/g, '\\"')}"`,
        );
        continue;
      }
      problems.add(
        'CONFIG_YAML_SYNTAX',
        at,
        `invalid YAML: ${tokens.restore(firstLine(error.message))}`,
        'Fix the syntax at this line and column (indentation, quotes, colons); quote values that contain ": " or start with a special character.',
      );
    }
  }
  // yaml's own `uniqueKeys` check scans a map for each of its keys (quadratic: minutes for a file
  // of 10,000 flows), so duplicates are found here, in one pass (yaml is told not to look)
  for (const key of duplicateKeys(doc)) duplicateKey(tokens.restore(String(key.value)), locator.ofNode(key), problems);
  return { doc, value: undefined, locator, tokens, fatal };
}
