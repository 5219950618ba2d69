import { describe, expect, it } from 'vitest';
import { fileConnector } from '../connectors/file/index.js';
import { sqliteConnector } from '../connectors/sqlite/index.js';
import { FlowErrors } from '../sdk/index.js';
import { builtinSteps } from '../steps/index.js';
import { parseProject } from './parse-project.js';

const catalog = { connectors: [fileConnector, sqliteConnector], steps: builtinSteps };

function problems(
  steps: string,
  destination = '{ connection: erp, type: sqlite.table, table: t, operation: upsert, key: [order_no] }',
) {
  const text = `connections:
  files: { type: file, dir: . }
  erp: { type: sqlite, path: erp.db }
flows:
  orders:
    source: { connection: files, type: file.csv, path: a.csv }
    steps:
${steps}
    destinations:
      - ${destination}
`;
  try {
    parseProject(text, 'flows.yaml', catalog, { env: {} });
    return [];
  } catch (error) {
    if (error instanceof FlowErrors) return error.errors;
    throw error;
  }
}

describe('destination key columns against the last map', () => {
  it('reports a key column the last map never writes, at the key, with the fields it does write', () => {
    const found = problems('      - map: { order: { from: id }, email: { from: email } }');
    expect(found).toHaveLength(1);
    expect(found[0]?.where).toBe('flows.yaml:10:82');
    expect(found[0]?.message).toBe(
      'flows.orders.destinations[0].key: key column "order_no" is never written: the last map (flows.orders.steps[0].map) writes only order, email, so every record would fail at destination erp',
    );
    expect(found[0]?.hint).toMatch(/Add `order_no: \{ from: … \}` to the map/);
  });

  it('accepts a key the map writes, a map with $keep, steps after the map that may add fields, and inserts', () => {
    expect(problems('      - map: { order_no: { from: id } }')).toEqual([]);
    expect(problems('      - map: { $keep: true, email: { from: email } }')).toEqual([]);
    expect(problems('      - map: { email: { from: email } }\n      - script: { code: "return record" }')).toEqual([]);
    expect(
      problems('      - map: { email: { from: email } }', '{ connection: erp, type: sqlite.table, table: t }'),
    ).toEqual([]);
  });
});
