import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { manyFlowsYaml } from '../../test/helpers/many-flows.js';
import { protectReferences } from './reference-tokens.js';
import { createTreeLocator } from './tree-locator.js';
import { createLocator, type PathKey } from './yaml-locator.js';
import { readYamlSubset } from './yaml-subset.js';

const root = join(import.meta.dirname, '../..');

/** Every example flow file and every YAML block of the docs. */
function projectTexts(): [string, string][] {
  const texts: [string, string][] = [];
  for (const f of readdirSync(join(root, 'examples')))
    if (f.endsWith('.yaml')) texts.push([f, readFileSync(join(root, 'examples', f), 'utf8')]);
  for (const f of readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.md')) continue;
    let i = 0;
    for (const m of readFileSync(join(root, 'docs', f), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g))
      texts.push([`docs/${f} block ${i++}`, m[1] ?? '']);
  }
  return texts;
}

/** Written in the subset, with its corners: each must read as the full parser reads it. */
const SUBSET = [
  'a:\nb:   # comment\n  x: 1\nc: [1, {d: e}, []]\ns:\n- q\n- k: v\n  j: w\n-\n  deep: true\n',
  'n: [0o17, 0x1F, -12, +3, 1.50, .5, 1e3, -.inf, .NaN, ~, Null, TRUE, false, 1_000, 0.1.2, "1", \'2\']\n',
  "q: \"tab\\tnew\\nquote\\\" slash\\/ \\u00e9 \\x41\"\nr: 'it''s # not a comment'\nu: ünïcödé\n",
  'url: http://host:80/x#y\ncron: "*/5 * * * *"\nk-e.y_$: v # c\n"quoted key": 1\n\'single\': 2\n',
  '  indented:\n    root: 1\n  second: [a , b ,c]\n',
  'dup: 1\ndup: 2\nm: { a: 1, a: 2 }\n',
  '# only a comment first\n\nlist:\n  - a\n  # between\n  - { x: "y, z", w: [1, [2, 3]] }\n',
  // flow maps and lists over several lines, as formatters write them; trailing commas
  'a: [1, 2,]\nb: { c: 1, }\nsource:\n  {\n    connection: files, # a comment\n\n    columns: { id: integer },\n  }\nd: {\n  e: [\n    1,\n  ],\n}\n',
  'x:\n  - [\n    1\n  ]\n  - {\n    a: 1\n  }\n',
  '- {\n  a: 1\n}\n- [ b,\n  c ]\n',
];

/** Outside the subset: the full parser must read these. */
const NOT_SUBSET = [
  'a: &x 1\nb: *x\n',
  'a:\n  <<: { b: 1 }\n',
  'a: |\n  text\n',
  'a: >\n  folded\n',
  'a: plain\n  continued\n',
  'a: { b: 1,\nc: 2 }\n',
  'x:\n  a: {\n  b: 1}\n',
  'x:\n  a: {\n   b: 1\n }\n',
  'a: {\n  b\n  : 1 }\n',
  'a: !tag x\n',
  '---\na: 1\n',
  '%YAML 1.2\n---\na: 1\n',
  'a:\tb\n',
  'a: 1\r\nb: 2\r\n',
  'cron: */5 * * * *\n',
  'a: b: c\n',
  '1: one\n',
  '? complex\n: key\n',
  '- - nested\n',
  'a: "unclosed\n',
  '{ flow: root }\n',
  '',
  '__proto__: x\n',
];

/** Every path into the value, and a missing key and index under each. */
function paths(value: unknown, path: PathKey[] = [], out: PathKey[][] = []): PathKey[][] {
  out.push(path, [...path, 'missing'], [...path, 99]);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...path, i], out);
  } else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) paths(v, [...path, k], out);
  return out;
}

/** Reads `text` both ways and checks the values, duplicates and every location agree. */
function expectSameAsFullParser(name: string, raw: string): boolean {
  const text = protectReferences(raw).text;
  const tree = readYamlSubset(text);
  if (tree === undefined) return false;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: false });
  expect(doc.errors, name).toEqual([]);
  expect(tree.value, name).toEqual(doc.toJS());
  const full = createLocator(doc, lineCounter, 'f.yaml');
  const fast = createTreeLocator(tree, 'f.yaml');
  for (const path of paths(tree.value)) {
    expect(fast.at(path).where, `${name} at ${JSON.stringify(path)}`).toBe(full.at(path).where);
    expect(fast.keyAt(path).where, `${name} keyAt ${JSON.stringify(path)}`).toBe(full.keyAt(path).where);
  }
  return true;
}

describe('readYamlSubset', () => {
  it('reads the subset as the full parser does: same values, same line:col for every key and value', () => {
    for (const [i, text] of SUBSET.entries()) expect(expectSameAsFullParser(`snippet ${i}`, text)).toBe(true);
    const dup = readYamlSubset(SUBSET[5] ?? '');
    expect(dup?.duplicates).toEqual([
      { key: 'dup', offset: 7 },
      { key: 'a', offset: 25 },
    ]);
  });

  it('reads the examples and docs snippets it covers as the full parser does, and a generated project of many flows', () => {
    let read = 0;
    const texts = projectTexts();
    for (const [name, text] of texts) if (expectSameAsFullParser(name, text)) read++;
    // most of them are in the subset (the others: anchors, block scalars, flow maps over several lines)
    expect(read).toBeGreaterThan(texts.length / 2);
    expect(expectSameAsFullParser('many flows', manyFlowsYaml(40))).toBe(true);
  });

  it('gives anything outside the subset to the full parser', () => {
    for (const text of NOT_SUBSET) expect(readYamlSubset(protectReferences(text).text), text).toBeUndefined();
  });
});
