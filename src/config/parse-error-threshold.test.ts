import { describe, expect, it } from 'vitest';
import { FlowErrors } from '../sdk/index.js';
import { fakeCatalog } from './fake-catalog.js';
import { parseProject } from './parse-project.js';

const FILE = '/work/flows/orders.yaml';
const yaml = (threshold: string) => `connections:
  files: { type: file, dir: . }
  erp: { type: sqlite, path: erp.db }
flows:
  orders:
    errorThreshold: ${threshold}
    source: { connection: files, type: file.csv, path: o.csv }
    destinations:
      - { connection: erp, type: sqlite.table, table: orders }
`;

function problems(threshold: string): string[] {
  try {
    parseProject(yaml(threshold), FILE, fakeCatalog);
  } catch (error) {
    if (error instanceof FlowErrors) return error.errors.map((e) => `${e.where} ${e.code} ${e.message}`);
    throw error;
  }
  return [];
}

describe('errorThreshold: on a flow', () => {
  it('is read into the flow definition', () => {
    const flow = parseProject(yaml('{ maxErrors: 500, maxErrorRate: 0.5, minRecords: 100 }'), FILE, fakeCatalog).flows
      .orders;
    expect(flow?.errorThreshold).toEqual({ maxErrors: 500, maxErrorRate: 0.5, minRecords: 100 });
  });

  it.each([
    [
      '{ maxErrorRate: 50 }',
      /orders\.yaml:6:\d+ CONFIG_INVALID .*maxErrorRate.*at most 1, e\.g\. 0\.5 for half.*use maxErrors/,
    ],
    ['{ maxErrorRate: 0 }', /orders\.yaml:6:\d+ CONFIG_INVALID .*maxErrorRate.*above 0/],
    [
      '{ maxErrors: 2.5 }',
      /orders\.yaml:6:\d+ CONFIG_INVALID flows\.orders\.errorThreshold\.maxErrors must be a whole number, not number 2\.5/,
    ],
    ['{ maxErrors: lots }', /orders\.yaml:6:\d+ CONFIG_INVALID .*maxErrors must be a number, not the string "lots"/],
    ['{ minRecords: 0 }', /orders\.yaml:6:\d+ CONFIG_INVALID .*minRecords.*at least 1/],
    ['{ maxRate: 0.5 }', /orders\.yaml:6:\d+ CONFIG_UNKNOWN_KEY .*maxRate/],
  ])('reports %s with file:line:col and what to write', (threshold, expected) => {
    expect(problems(threshold)).toEqual([expect.stringMatching(expected)]);
  });
});
