import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeNotifications } from '../../src/app/notifications.js';
import { actionCommand } from '../../src/cli/action-command.js';
import { builtinCatalog, builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { createEngine } from '../../src/engine/index.js';
import {
  startHttpServer,
  startSmtpServer,
  type TestHttpServer,
  type TestSmtpServer,
} from '../../src/observe/test-helpers.js';
import { silentLogger, systemClock } from '../../src/sdk/index.js';
import { openStore } from '../../src/store/index.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { tempContext } from '../helpers/temp-context.js';

/**
 * Issue 11 #9: a run that fails or pauses tells someone, by email and webhook, as new error records
 * do: a flow whose query names a missing table (SQL_ERROR) and one whose only destination refuses
 * connections (its circuit opens, the run pauses).
 */
const { dir } = tempContext('syncline-run-notify-');
let smtp: TestSmtpServer;
let hook: TestHttpServer;
let closedPort: number;

beforeAll(async () => {
  smtp = await startSmtpServer();
  hook = await startHttpServer();
  const gone = await startTcpProxy('127.0.0.1', 9); // a port where nothing listens: taken, then released
  closedPort = gone.port;
  await gone.close();
  const db = new Database(join(dir, 'shop.db'));
  db.exec('create table orders (id integer primary key, total real)');
  db.exec('insert into orders values (1, 9.5), (2, 12)');
  db.close();
  writeFileSync(join(dir, 'in.csv'), 'id,n\n1,1\n2,2\n3,3\n');
});
afterAll(async () => {
  await smtp.close();
  await hook.close();
});

const flowFile = (on?: string) => `
notify:
  interval: 10m
${on === undefined ? '' : `  on: ${on}\n`}  email: { host: 127.0.0.1, port: ${smtp.port}, from: syncline@example.com, to: ops@example.com }
  webhook: { url: "${hook.url}" }
connections:
  files: { type: file, dir: . }
  shop: { type: sqlite, path: shop.db }
  erp:
    type: postgres
    url: postgres://syncline:secret-pw@127.0.0.1:${closedPort}/erp
    connectTimeout: 2s
    breaker: { failures: 2, openFor: 1h, maxWait: 100ms }
flows:
  broken:
    source: { connection: shop, type: sqlite.query, query: "select id, total from order_lines" }
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl }
  stalled:
    retry: { maxAttempts: 2, base: 10ms }
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer, n: integer } }
    destinations:
      - { connection: erp, type: postgres.table, table: items }
`;

async function runBoth(on?: string) {
  const project = parseProject(flowFile(on), join(dir, 'flow.yaml'), builtinCatalog);
  const store = await openStore(':memory:');
  const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
  // composed as the CLI composes it: its renderer writes the next steps as command lines
  subscribeNotifications(engine.events, { project, clock: systemClock, log: silentLogger, render: actionCommand });
  const broken = await engine.run(project, 'broken', { trigger: 'cli' });
  const stalled = await engine.run(project, 'stalled', { trigger: 'cli' });
  await engine.close(); // waits for the deliveries in flight
  await store.close();
  return { broken, stalled };
}

interface RunJson {
  event: string;
  flow: string;
  runId: number;
  code: string;
  message: string;
  hint?: string;
  counts: { read: number; written: number; failed: number; skipped: number };
  earlierRuns: number;
  commands: { runs: string; errors: string; resume: string };
}

describe('run notifications', () => {
  it('a failed and a paused run each send an email and a webhook at once', async () => {
    const { broken, stalled } = await runBoth();
    expect(broken.status).toBe('failed');
    expect(broken.error?.code).toBe('SQL_ERROR');
    expect(stalled.status).toBe('paused');

    const bodies = hook.requests.map((r) => JSON.parse(r.body) as RunJson);
    expect(bodies.map((b) => [b.event, b.flow, b.code])).toEqual([
      ['syncline.run.failed', 'broken', 'SQL_ERROR'],
      ['syncline.run.paused', 'stalled', 'PAUSED'],
    ]);
    const [failed, paused] = bodies as [RunJson, RunJson];
    expect(failed.runId).toBe(broken.id);
    expect(failed.message).toBe(broken.error?.message);
    expect(failed.message).toContain('order_lines');
    expect(failed.commands).toEqual({
      runs: 'syncline runs broken',
      errors: `syncline errors list --run ${broken.id}`,
      resume: 'syncline run <file> broken',
    });
    expect(paused.message).toMatch(/the circuit of connection erp is open until .*ECONNREFUSED/);
    expect(paused.counts).toEqual({ read: 0, written: 0, failed: 0, skipped: 0 }); // counts are those of committed pages
    expect(paused.earlierRuns).toBe(0);
    expect(JSON.stringify(bodies)).not.toContain('secret-pw');

    expect(smtp.mails.map((m) => m.subject)).toEqual([
      `[syncline] run ${broken.id} of flow broken failed: SQL_ERROR`,
      `[syncline] run ${stalled.id} of flow stalled paused: PAUSED`,
    ]);
    const mail = smtp.mails[1]?.text ?? '';
    expect(mail).toContain('It paused: a destination stayed down longer than its breaker allows.');
    expect(mail).toContain('the circuit of connection erp is open until');
    expect(mail).toContain('Before it stopped: 0 pages, 0 records read, 0 written, 0 failed, 0 skipped.');
    expect(mail).toContain('To go on:    syncline run <file> stalled');
    expect(mail).not.toContain('secret-pw');
  }, 30_000);

  it('notify.on picks what is notified: [errors] sends nothing about failed or paused runs', async () => {
    hook.requests.length = 0;
    smtp.mails.length = 0;
    const { broken, stalled } = await runBoth('[errors]');
    expect([broken.status, stalled.status]).toEqual(['failed', 'paused']);
    expect(hook.requests).toHaveLength(0);
    expect(smtp.mails).toHaveLength(0);

    const paused = await runBoth('[paused]');
    expect(paused.stalled.status).toBe('paused');
    expect(hook.requests.map((r) => (JSON.parse(r.body) as RunJson).event)).toEqual(['syncline.run.paused']);
  }, 30_000);
});
