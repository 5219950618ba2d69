import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, startSyncline, syncline } from '../helpers/cli.js';

/**
 * `syncline emulate` as a process: the CLI runs the built emulators (dist/emulators/main.js) as its
 * child. What only processes show: it starts, prints its URL, answers, its printed flow file runs with
 * the real CLI, the exit codes pass through, and SIGTERM stops both processes. The rest is in process
 * (test/emulators/emulate.test.ts).
 */
const dir = mkdtempSync(join(tmpdir(), 'syncline-emulate-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function output(child: ChildProcess): { text: () => string; waitFor: (pattern: RegExp) => Promise<RegExpMatchArray> } {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return {
    text: () => text,
    waitFor: async (pattern) => {
      for (let i = 0; i < 400; i += 1) {
        const match = pattern.exec(text);
        if (match) return match;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no ${pattern} in:\n${text}`);
    },
  };
}

describe('syncline emulate (process)', () => {
  it('lists the emulators; an unknown name exits 2 with the names', () => {
    const list = syncline(['emulate'], { cwd: dir });
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^ {2}crm /m);
    const wrong = syncline(['emulate', 'nope'], { cwd: dir });
    expect([wrong.status, wrong.stderr]).toEqual([
      2,
      'no emulator named "nope": the emulators are http, crm (syncline emulate lists them)\n',
    ]);
  });

  it('starts crm, prints its URL and a flow file that runs against it, and stops on SIGTERM', async () => {
    const child = startSyncline(['emulate', 'crm', '--port', '0'], { cwd: dir });
    children.push(child);
    const out = output(child);
    const [, url] = await out.waitFor(/crm emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    await out.waitFor(/Press Ctrl-C to stop\.\n/);
    const res = await fetch(`${url}/v1/contacts?limit=3`, { headers: { authorization: 'Bearer crm-demo-key-0001' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(3);

    const flow = /A flow file to try:\n\n([\s\S]*?)\nPress Ctrl-C/.exec(out.text())?.[1] ?? '';
    writeFileSync(join(dir, 'crm-contacts.yaml'), flow);
    const run = syncline(['run', 'crm-contacts.yaml'], { cwd: dir, env: { CRM_API_KEY: 'crm-demo-key-0001' } });
    expect(run.status, run.stderr).toBe(0);
    const db = new Database(join(dir, 'crm-contacts.db'), { readonly: true });
    expect(db.prepare('select count(*) as n from contacts').get()).toEqual({ n: 25 });
    db.close();

    // faults are injected from outside the process through the control routes
    const fault = await fetch(`${url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'rate-limit', retryAfterSeconds: 4 }, path: '/v1/contacts' }),
    });
    expect(fault.status).toBe(201);
    const limited = await fetch(`${url}/v1/contacts`, { headers: { authorization: 'Bearer crm-demo-key-0001' } });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '4']);

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(out.text()).toMatch(/crm emulator stopped\n$/);
    await expect(fetch(`${url}/v1/contacts`)).rejects.toThrow(); // the emulator's process is gone too
  });
});
