import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProject } from '../config/index.js';
import { fileConnector } from '../connectors/file/index.js';
import { sqliteConnector } from '../connectors/sqlite/index.js';
import type { FlowError } from '../sdk/index.js';
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

  describe('a file.csv source whose file exists: typed columns against its header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-check-header-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const flowFile = join(dir, 'flows.yaml');
    const yaml = (path: string, extra = '') => `connections:
  files: { type: file, dir: . }
flows:
  orders:
    source:
      connection: files
      type: file.csv
      path: ${path}${extra}
      columns: { id: integer, amount: number }
    destinations:
      - { connection: files, type: file.csv, path: out.csv }
`;
    const checkIn = (text: string) =>
      checkProject(
        createRegistry(connectors, builtinSteps),
        parseProject(text, flowFile, { connectors, steps: builtinSteps }, { env: {} }),
      );

    it('names a typed column missing from the header at its line under columns:, with the closest header name', async () => {
      writeFileSync(join(dir, 'typo.csv'), 'id,amuont,name\n1,2,x\n');
      const problems = await checkIn(yaml('typo.csv'));
      expect(problems.map((p) => [p.where, p.code])).toEqual([[`${flowFile}:9:31`, 'CONFIG_INVALID']]);
      expect(problems[0]?.message).toBe(
        `flows.orders.source.columns.amount: typed column "amount" is not in the header of ${join(dir, 'typo.csv')} (id, amuont, name)`,
      );
      expect(problems[0]?.hint).toMatch(/^Did you mean "amuont"\? /);
    });

    it('says which delimiter the header seems to use when it is one column', async () => {
      writeFileSync(join(dir, 'semi.csv'), 'id;amount\n1;2\n');
      const problems = await checkIn(yaml('semi.csv'));
      expect(problems).toHaveLength(2);
      expect(problems[0]?.hint).toMatch(/delimited by ";"; set `delimiter: ";"`/);
      expect(await checkIn(yaml('semi.csv', '\n      delimiter: ";"'))).toEqual([]);
    });

    it('passes a header that names every typed column', async () => {
      writeFileSync(join(dir, 'good.csv'), '"id",amount\r\n1,2\r\n');
      expect(await checkIn(yaml('good.csv'))).toEqual([]);
    });

    it('warns (without failing) about a source file that does not exist, naming the resolved path at path:', async () => {
      const warnings: FlowError[] = [];
      const text = yaml('later.csv');
      const problems = await checkProject(
        createRegistry(connectors, builtinSteps),
        parseProject(text, flowFile, { connectors, steps: builtinSteps }, { env: {} }),
        warnings,
      );
      expect(problems).toEqual([]);
      expect(warnings.map((w) => [w.where, w.message])).toEqual([
        [`${flowFile}:8:7`, `flows.orders.source.path: ${join(dir, 'later.csv')} does not exist`],
      ]);
      expect(warnings[0]?.hint).toMatch(/a flow or job before this one writes it/);
    });
  });
});
