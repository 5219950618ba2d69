import { describe, expect, it } from 'vitest';
import { fileConnector } from '../connectors/file/index.js';
import { sqliteConnector } from '../connectors/sqlite/index.js';
import { parseProject } from '../spec/index.js';
import { builtinSteps } from '../steps/index.js';
import { checkProject } from './check-project.js';
import { createRegistry } from './registry.js';

const connectors = [fileConnector, sqliteConnector];

async function check(text: string) {
  const project = parseProject(text, 'flows.yaml', { connectors, steps: builtinSteps }, { env: {} });
  return checkProject(createRegistry(connectors, builtinSteps), project);
}

describe('checkProject', () => {
  it('reports every typo of one map step at once, each at its own line and column', async () => {
    const problems = await check(`connections:
  files: { type: file, dir: . }
flows:
  orders:
    source: { connection: files, type: file.csv, path: a.csv }
    steps:
      - map:
          email: { from: email, transform: lowercse }
          name: { template: "{{uper name}}" }
          total: { compute: "sum(a, b)" }
          code: { from: code, transform: [trim, uppercse] }
    destinations:
      - { connection: files, type: file.csv, path: out.csv }
`);
    expect(problems.map((p) => [p.where, p.code])).toEqual([
      ['flows.yaml:8:33', 'CONFIG_BAD_MAPPING'],
      ['flows.yaml:9:19', 'CONFIG_BAD_MAPPING'],
      ['flows.yaml:10:20', 'CONFIG_BAD_MAPPING'],
      ['flows.yaml:11:49', 'CONFIG_BAD_MAPPING'],
    ]);
    expect(problems[0]?.message).toBe('flows.orders.steps[0].map.email.transform: unknown transform "lowercse"');
    expect(problems[0]?.hint).toMatch(/lowercase/);
    expect(problems[3]?.message).toMatch(/^flows\.orders\.steps\[0\]\.map\.code\.transform\[1\]: /);
  });
});
