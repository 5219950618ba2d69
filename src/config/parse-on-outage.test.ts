import { describe, expect, it } from 'vitest';
import { FlowErrors } from '../sdk/index.js';
import { fakeCatalog } from './fake-catalog.js';
import { parseProject } from './parse-project.js';

const FILE = '/work/flows/hub.yaml';
const yaml = (crm: string, archive: string) => `connections:
  files: { type: file, dir: . }
  erp: { type: sqlite, path: erp.db }
flows:
  orders:
    source: { connection: files, type: file.csv, path: o.csv }
    destinations:
      - { name: crm, connection: erp, type: sqlite.table, table: crm${crm} }
      - { name: archive, connection: erp, type: sqlite.table, table: archive${archive} }
`;

describe('onOutage: on destinations (hub-and-spoke)', () => {
  it('is read as a destination key, not passed to the component', () => {
    const flow = parseProject(yaml(', onOutage: pause', ''), FILE, fakeCatalog).flows.orders;
    const [crm, archive] = flow?.destinations ?? [];
    expect(crm?.onOutage).toBe('pause');
    expect(crm?.config).not.toHaveProperty('onOutage');
    expect(archive?.onOutage).toBeUndefined();
  });

  it('reports an unknown value with file:line:col and the choices', () => {
    let caught: unknown;
    try {
      parseProject(yaml('', ', onOutage: skip'), FILE, fakeCatalog);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlowErrors);
    const lines = (caught as FlowErrors).errors.map((e) => `${e.where} ${e.code} ${e.message} ${e.hint ?? ''}`);
    expect(lines).toEqual([expect.stringMatching(/hub\.yaml:9:\d+ CONFIG_INVALID .*onOutage.*isolate.*pause/)]);
  });
});
