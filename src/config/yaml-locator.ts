import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

/** One step of a path into the file: a map key or a list index. */
export type PathKey = string | number;

/** A position in the flow file; `where` is `file:line:col`. */
export interface Location {
  readonly where: string;
  readonly line: number;
  readonly col: number;
}

/** Finds the YAML node behind a path, following aliases and `<<` merge keys. */
export interface Locator {
  readonly file: string;
  /** The value node at `path`; the deepest existing ancestor when the path does not exist (a missing key). */
  at(path: readonly PathKey[]): Location;
  /** The key node of the last path step (for unknown keys); the value node otherwise. */
  keyAt(path: readonly PathKey[]): Location;
  /** The location of a node, or of the document start. */
  ofNode(node: Node | undefined): Location;
  /** The location of an offset in the text. */
  ofOffset(offset: number): Location;
}

interface Found {
  readonly node: Node | undefined;
  readonly key: Node | undefined;
}

/** `in flows.orders.source`, or `at the top level` for the root. */
export function inPath(path: readonly PathKey[]): string {
  return path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
}

/** `flows.orders.steps[1].map.email` */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out === '' ? '(file)' : out;
}

export function isMergeKey(node: unknown): boolean {
  if (!isScalar(node)) return false;
  return node.value === '<<' || (typeof node.value === 'symbol' && node.value.description === '<<');
}

function resolve(doc: Document, node: unknown): unknown {
  let current = node;
  for (let i = 0; i < 100 && isAlias(current); i++) current = current.resolve(doc);
  return current;
}

/** A map's pairs by key text (the last of duplicates) and its `<<` merge values: built once per map. */
interface MapIndex {
  readonly pairs: Map<string, Pair>;
  readonly merges: unknown[];
}

function indexMap(doc: Document, map: YAMLMap, cache: WeakMap<YAMLMap, MapIndex>): MapIndex {
  let index = cache.get(map);
  if (index) return index;
  index = { pairs: new Map(), merges: [] };
  for (const pair of map.items) {
    const k = resolve(doc, pair.key);
    if (isMergeKey(k)) index.merges.push(pair.value);
    // The last one: with a duplicate key (reported as such) the value in effect is the last.
    else if (isScalar(k)) index.pairs.set(String(k.value), pair);
  }
  cache.set(map, index);
  return index;
}

function findPair(
  doc: Document,
  map: unknown,
  key: PathKey,
  cache: WeakMap<YAMLMap, MapIndex>,
  depth = 0,
): Pair | undefined {
  if (!isMap(map) || depth > 20) return undefined;
  const index = indexMap(doc, map, cache);
  const found = index.pairs.get(String(key));
  if (found) return found;
  for (const merge of index.merges) {
    const target = resolve(doc, merge);
    const sources = isSeq(target) ? target.items : [target];
    for (const source of sources) {
      const found = findPair(doc, resolve(doc, source), key, cache, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function find(doc: Document, path: readonly PathKey[], cache: WeakMap<YAMLMap, MapIndex>): Found {
  let node = resolve(doc, doc.contents) as Node | undefined;
  let key: Node | undefined;
  for (const step of path) {
    if (isSeq(node)) {
      const item = resolve(doc, node.items[Number(step)]);
      if (item === undefined || item === null) return { node, key: undefined };
      node = item as Node;
      key = undefined;
      continue;
    }
    const pair = findPair(doc, node, step, cache);
    if (!pair) return { node, key: undefined };
    key = pair.key as Node;
    const value = resolve(doc, pair.value) as Node | null;
    // `key:` with nothing after it: point at the key.
    node = value ?? key;
  }
  return { node, key };
}

export function createLocator(doc: Document, lineCounter: LineCounter, file: string): Locator {
  const ofOffset = (offset: number): Location => {
    const { line, col } = lineCounter.linePos(offset);
    return { where: `${file}:${line}:${col}`, line, col };
  };
  const ofNode = (node: Node | undefined): Location => ofOffset(node?.range?.[0] ?? 0);
  // Looking a key up must not scan its map: a file of 10,000 flows is looked into per flow.
  const cache = new WeakMap<YAMLMap, MapIndex>();
  return {
    file,
    at: (path) => ofNode(find(doc, path, cache).node),
    keyAt: (path) => {
      const found = find(doc, path, cache);
      return ofNode(found.key ?? found.node);
    },
    ofNode,
    ofOffset,
  };
}
