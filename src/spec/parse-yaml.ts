import { type Document, isScalar, LineCounter, parseDocument, type Scalar, visit } from 'yaml';
import type { ProblemList } from './problems.js';
import { type ProtectedText, protectReferences } from './reference-tokens.js';
import { createLocator, type Locator } from './yaml-locator.js';

export interface ParsedYaml {
  readonly doc: Document;
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

/** The text of the map key that starts at `offset` (yaml reports only the key's first character). */
function keyAt(doc: Document, offset: number): string | undefined {
  let key: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key;
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

/** Parses the text with line counting and `<<` merge keys; syntax errors become located problems. */
export function parseYaml(text: string, file: string, problems: ProblemList): ParsedYaml {
  const tokens = protectReferences(text);
  const lineCounter = new LineCounter();
  const doc = parseDocument(tokens.text, { lineCounter, merge: true, prettyErrors: true, uniqueKeys: false });
  const locator = createLocator(doc, lineCounter, file);
  let fatal = false;
  for (const error of doc.errors) {
    const offset = error.pos[0];
    const { line, col } = lineCounter.linePos(offset);
    const at = { where: `${file}:${line}:${col}`, line, col };
    if (error.code === 'DUPLICATE_KEY') {
      const key = tokens.restore(keyAt(doc, offset) ?? tokens.text.slice(error.pos[0], error.pos[1]));
      problems.add(
        'CONFIG_YAML_SYNTAX',
        at,
        `duplicate key "${key}": a key may appear only once in a map`,
        `Rename or remove one of the "${key}" entries (connection, flow and step names must be unique).`,
      );
    } else {
      fatal = true;
      problems.add(
        'CONFIG_YAML_SYNTAX',
        at,
        `invalid YAML: ${tokens.restore(firstLine(error.message))}`,
        'Fix the syntax at this line and column (indentation, quotes, colons); quote values that contain ": " or start with a special character.',
      );
    }
  }
  // yaml's own `uniqueKeys` check scans a map for each of its keys (quadratic: minutes for a file
  // of 10,000 flows), so duplicates are found here, in one pass; yaml reports none (DUPLICATE_KEY above)
  for (const key of duplicateKeys(doc)) {
    const name = tokens.restore(String(key.value));
    problems.add(
      'CONFIG_YAML_SYNTAX',
      locator.ofNode(key),
      `duplicate key "${name}": a key may appear only once in a map`,
      `Rename or remove one of the "${name}" entries (connection, flow and step names must be unique).`,
    );
  }
  return { doc, locator, tokens, fatal };
}
