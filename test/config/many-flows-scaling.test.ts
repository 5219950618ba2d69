import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/parse-project.js';
import { createTreeLocator } from '../../src/config/tree-locator.js';
import { readYamlSubset } from '../../src/config/yaml-subset.js';
import { manyFlowsYaml } from '../helpers/many-flows.js';

/** CPU time (user + system, µs) of the least disturbed of `rounds` runs. */
function cpuOf(work: () => void, rounds = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    best = Math.min(best, used.user + used.system);
  }
  return best;
}

const name = (i: number) => `flow-${String(i).padStart(5, '0')}`;

describe('a project of many flows (issue 11 item 27)', () => {
  it('is read by the subset reader, and looked into without scanning the flows map', () => {
    const n = 500;
    const tree = readYamlSubset(manyFlowsYaml(n));
    if (tree === undefined) throw new Error('the generated project fell back to the full parser');
    const flows = (tree.value as { flows: object }).flows;
    const spots = tree.spots.get(flows);
    if (spots === undefined) throw new Error('no spots for the flows map');
    let reads = 0;
    tree.spots.set(
      flows,
      new Proxy(spots, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver);
        },
      }),
    );
    const locator = createTreeLocator(tree, 'many.yaml');
    for (let i = 0; i < n; i++) {
      locator.keyAt(['flows', name(i)]);
      locator.at(['flows', name(i), 'steps', 1, 'map', 'email']);
      locator.at(['flows', name(i), 'destinations', 0, 'key']);
    }
    // the index reads each entry's name once; scanning per lookup would read 3 × n × n / 2 names
    expect(reads).toBeLessThanOrEqual(3 * n + 3 * 3 * n);
  });

  it('is parsed and checked in time linear in the number of flows, not quadratic', () => {
    const small = manyFlowsYaml(200);
    const large = manyFlowsYaml(1600);
    const parse = (text: string) => () => {
      parseProject(text, '/p/many.yaml', builtinCatalog, { env: {} });
    };
    parse(small)(); // compiled and warm before measuring
    const ratio = cpuOf(parse(large)) / cpuOf(parse(small));
    // 8× the flows: ~8× the work when linear, ~64× when quadratic (as `yaml`'s own unique-key check was)
    expect(ratio).toBeLessThan(24);
  });
});
