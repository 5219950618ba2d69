import { describe, expect, it } from 'vitest';
import { isMap, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import { manyFlowsYaml } from '../../test/helpers/many-flows.js';
import { createLocator } from './yaml-locator.js';

/** Counts reads of a map's items (by index or by iteration): the work of looking keys up in it. */
function countReads(map: YAMLMap): { readonly reads: number } {
  const counter = { reads: 0 };
  map.items = new Proxy(map.items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) counter.reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return counter;
}

describe('createLocator', () => {
  it('finds keys, list items and merged keys', () => {
    const text = 'x: &base\n  a: 1\nflows:\n  one:\n    <<: *base\n    steps:\n      - map: { b: c }\n';
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, merge: true });
    const locator = createLocator(doc, lineCounter, 'f.yaml');
    expect(locator.at(['flows', 'one', 'steps', 0, 'map', 'b']).where).toBe('f.yaml:7:19');
    expect(locator.keyAt(['flows', 'one', 'steps', 0, 'map', 'b']).where).toBe('f.yaml:7:16');
    expect(locator.at(['flows', 'one', 'a']).where).toBe('f.yaml:2:6');
    // a missing key: its deepest existing ancestor
    expect(locator.at(['flows', 'one', 'nope']).where).toBe('f.yaml:5:5');
  });

  it('looks a flow up without scanning every flow (a file of n flows costs n, not n²)', () => {
    const n = 300;
    const lineCounter = new LineCounter();
    const doc = parseDocument(manyFlowsYaml(n), { lineCounter, merge: true });
    const flows = doc.get('flows', true);
    if (!isMap(flows)) throw new Error('no flows map');
    const counter = countReads(flows);
    const locator = createLocator(doc, lineCounter, 'many.yaml');
    for (let i = 0; i < n; i++) {
      const name = `flow-${String(i).padStart(5, '0')}`;
      locator.keyAt(['flows', name]);
      locator.at(['flows', name, 'source']);
      locator.at(['flows', name, 'steps', 1, 'map', 'email']);
      locator.at(['flows', name, 'destinations', 0]);
    }
    // each item read once to index the map; scanning per lookup would read 4 × n × n / 2
    expect(counter.reads).toBeLessThanOrEqual(2 * n);
  });
});
