import type { Node } from 'yaml';
import type { Location, Locator, PathKey } from './yaml-locator.js';
import type { Spots, ValueTree } from './yaml-subset.js';

interface Found {
  readonly at: number;
  readonly key: number | undefined;
}

/** Maps with more keys than this are looked up through an index (built once), not by scanning. */
const SCAN_LIMIT = 16;

/**
 * The locator of a file read by the subset reader: the same answers as `createLocator` gives for
 * the full parser's document (a missing key: its deepest existing ancestor), from the spots the
 * reader recorded. A step into a large map is one lookup, so a file of n flows is looked into in
 * n steps, not n².
 */
export function createTreeLocator(tree: ValueTree, file: string): Locator {
  const ofOffset = (offset: number): Location => {
    const { line, col } = tree.lineCounter.linePos(offset);
    return { where: `${file}:${line}:${col}`, line, col };
  };
  const indexes = new WeakMap<Spots, Map<string, number>>();
  /** The position in `spots` of the last entry of `name` (the one in effect), or -1. */
  const entry = (spots: Spots, name: string): number => {
    if (spots.length <= SCAN_LIMIT * 3) {
      for (let i = spots.length - 3; i >= 0; i -= 3) if (spots[i] === name) return i;
      return -1;
    }
    let index = indexes.get(spots);
    if (index === undefined) {
      index = new Map();
      for (let i = 0; i < spots.length; i += 3) index.set(spots[i] as string, i);
      indexes.set(spots, index);
    }
    return index.get(name) ?? -1;
  };
  const find = (path: readonly PathKey[]): Found => {
    let value = tree.value;
    let at = tree.start;
    let key: number | undefined;
    for (const step of path) {
      const spots = typeof value === 'object' && value !== null ? tree.spots.get(value) : undefined;
      if (spots === undefined) return { at, key: undefined };
      if (Array.isArray(value)) {
        const item = typeof step === 'number' ? spots[step] : undefined;
        if (typeof item !== 'number') return { at, key: undefined };
        value = value[step as number];
        at = item;
        key = undefined;
        continue;
      }
      const name = String(step);
      const i = entry(spots, name);
      if (i === -1) return { at, key: undefined };
      value = (value as Record<string, unknown>)[name];
      key = spots[i + 1] as number;
      at = spots[i + 2] as number;
    }
    return { at, key };
  };
  return {
    file,
    at: (path) => ofOffset(find(path).at),
    keyAt: (path) => {
      const found = find(path);
      return ofOffset(found.key ?? found.at);
    },
    ofNode: (node: Node | undefined) => ofOffset(node?.range?.[0] ?? 0),
    ofOffset,
  };
}
