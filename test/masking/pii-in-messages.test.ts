import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeNotifications } from '../../src/app/notifications.js';
import { builtinCatalog, builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { createTestSchema, type TestSchema } from '../../src/connectors/postgres/test-helpers.js';
import { createEngine } from '../../src/engine/index.js';
import {
  startHttpServer,
  startSmtpServer,
  type TestHttpServer,
  type TestSmtpServer,
} from '../../src/observe/test-helpers.js';
import { silentLogger, systemClock } from '../../src/sdk/index.js';
import { openStore } from '../../src/store/index.js';
import type { StateStore } from '../../src/store/state-store.js';

/**
 * Issue 11 item 13: declared PII must not reach the error store's messages, history or
 * notifications in clear — not through a database's `Failing row contains (…)`, a validate
 * message, nor the text of a line the source could not read.
 */
const PII = [
  'ada@example.com',
  '+49 170 1234567',
  'grace@example',
  '+1 555 0100',
  'broken@example.com',
  '+1 555 0199',
  'Broken Person',
  'taken@example.com',
];

const csv = `id,email,phone,name,total
1,ada@example.com,+49 170 1234567,Ada Lovelace,0
2,grace@example,+1 555 0100,Grace Hopper,5
3,"broken@example.com,+1 555 0199,Broken Person,7
4,linus@example.org,+358 40 1234567,Linus,9
5,taken@example.com,+44 20 7946 0000,Taken Already,3
`;

let dir = '';
let schema: TestSchema;
let hook: TestHttpServer;
let smtp: TestSmtpServer;
let store: StateStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-pii-'));
  writeFileSync(join(dir, 'people.csv'), csv);
  schema = await createTestSchema('pii');
  await schema.sql(
    'CREATE TABLE people (id int primary key, email text UNIQUE, phone text, name text, total int CHECK (total > 0))',
  );
  await schema.sql(`INSERT INTO people VALUES (99, 'taken@example.com', null, null, 1)`);
  hook = await startHttpServer();
  smtp = await startSmtpServer();
  store = await openStore(':memory:');
});

afterAll(async () => {
  await store?.close();
  await hook?.close();
  await smtp?.close();
  await schema?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function project() {
  const yaml = `notify:
  interval: 1h
  webhook: { url: "${hook.url}" }
  email: { host: 127.0.0.1, port: ${smtp.port}, from: syncline@example.com, to: ops@example.com }
connections:
  files: { type: file, dir: "${dir}" }
  pg: { type: postgres, url: "${schema.url}" }
flows:
  people:
    pii: [email, phone, name]
    source: { connection: files, type: file.csv, path: people.csv, columns: { id: integer, total: integer } }
    steps:
      - validate: { email: { pattern: "^[^@]+@[^@]+[.][a-z]+$" } }
    destinations:
      - { connection: pg, type: postgres.table, table: people, operation: insert }
`;
  return parseProject(yaml, join(dir, 'flow.yaml'), builtinCatalog, { env: {} });
}

const leaks = (text: string) => PII.filter((v) => text.includes(v));

describe('PII in messages', () => {
  it('masks PII in the error store, its history and both notification channels', async () => {
    const p = project();
    const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
    subscribeNotifications(engine.events, { project: p, clock: systemClock, log: silentLogger });
    const run = await engine.run(p, 'people', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    const errors = await store.listErrors({ flow: 'people' });
    expect(errors.map((e) => e.code).sort()).toEqual([
      'DATA_QUALITY',
      'RECORD_CONSTRAINT',
      'RECORD_CONSTRAINT',
      'RECORD_MALFORMED',
    ]);
    const constraint = errors.find((e) => e.recordId === 'line:2');
    // PostgreSQL quotes the whole row: left out, the payload holds it
    expect(constraint?.message).toContain('violates check constraint "people_total_check"');
    expect(constraint?.message).not.toContain('Failing row');
    // … and the value of a duplicate key: masked
    const duplicate = errors.find((e) => e.recordId === 'line:6');
    expect(duplicate?.message).toContain('Key (email)=(***.com) already exists');
    const quality = errors.find((e) => e.code === 'DATA_QUALITY');
    expect(quality?.message).toContain('"***mple" does not match');
    const malformed = errors.find((e) => e.code === 'RECORD_MALFORMED');
    expect(malformed?.message).toContain('***.com');

    // a retry that fails again writes its message to the history: masked as well
    const again = await engine.retryError(p, duplicate?.id ?? 0);
    expect(again.ok).toBe(false);
    expect(leaks(again.message)).toEqual([]);
    const history = await store.errorHistory(duplicate?.id ?? 0);
    expect(history.some((h) => h.action === 'retry failed' && h.message.includes('***.com'))).toBe(true);

    await engine.close(); // sends the notifications waiting for their interval
    for (const e of await store.listErrors({ flow: 'people' })) {
      expect(leaks(`${e.message} ${e.hint ?? ''}`)).toEqual([]);
    }
    for (const h of history) expect(leaks(h.message)).toEqual([]);
    expect(hook.requests.length).toBeGreaterThan(0);
    expect(leaks(hook.requests.map((r) => r.body).join('\n'))).toEqual([]);
    expect(smtp.mails.length).toBeGreaterThan(0);
    expect(leaks(smtp.mails.map((m) => `${m.subject}\n${m.text}`).join('\n'))).toEqual([]);
  });
});
