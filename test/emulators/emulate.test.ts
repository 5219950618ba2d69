import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulate } from './emulate.js';
import type { StartedEmulator } from './kit/emulator-definition.js';
import { emulators } from './registry.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const stop = new AbortController();
  let started: StartedEmulator | undefined;
  return {
    out,
    err,
    stop,
    started: () => started,
    io: {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      signal: stop.signal,
      registry: emulators,
      onStarted: (s: StartedEmulator) => {
        started = s;
      },
    },
  };
}

const seedFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'emulate-')), 'seed.yaml');
  writeFileSync(file, text);
  return file;
};

describe('syncline emulate (in process)', () => {
  it('lists the registered emulators without a name', async () => {
    const t = io();
    expect(await emulate([], t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/^ {2}http {2}the generic REST API/m);
    expect(t.out.join('')).toMatch(/^ {2}crm {3}a small CRM/m);
    expect(t.out.join('')).toContain('Start one: syncline emulate <name>');
  });

  it('a wrong name, port or option is a clear error', async () => {
    const t = io();
    expect(await emulate(['salesforse'], t.io)).toBe(2);
    expect(await emulate(['crm', '--port', '70000'], t.io)).toBe(2);
    expect(await emulate(['crm', '--colour'], t.io)).toBe(2);
    expect(t.err[0]).toBe(
      'no emulator named "salesforse": the emulators are http, crm (syncline emulate lists them)\n',
    );
    expect(t.err[1]).toBe('--port: expected a port number 0-65535, got "70000"\n');
    expect(t.err[2]).toMatch(/Unknown option '--colour'[\s\S]*usage: syncline emulate/);
  });

  it('a bad seed file is refused with file:line:col for each problem', async () => {
    const t = io();
    const file = seedFile('contacts:\n  - { email: ann@x.com, name: Ann }\n  - { email: bo-at-x, name: Bo }\n');
    expect(await emulate(['crm', '--seed', file], t.io)).toBe(1);
    expect(t.err.join('')).toBe(
      'the seed file does not fit the crm emulator:\n' +
        `  ${file}:3:14: contacts[1].email: an email address such as ann@example.com\n` +
        'See docs/emulators.md for the seed format of each emulator.\n',
    );
    expect(await emulate(['crm', '--seed', `${file}.missing`], t.io)).toBe(1);
    expect(t.err.at(-1)).toContain(`${file}.missing: cannot read the seed file: no such file`);
  });

  it('starts with the seed, prints URL, credentials and a flow file, serves until stopped', async () => {
    const t = io();
    const file = seedFile('apiKey: my-key-123456\ncontacts:\n  - { email: ann@x.com, name: Ann, company: Acme }\n');
    const done = emulate(['crm', '--seed', file], t.io);
    while (!t.started()) await new Promise((r) => setTimeout(r, 5));
    const url = t.started()!.url;
    const banner = t.out.join('');
    expect(banner).toContain(`crm emulator listening on ${url}\n`);
    expect(banner).toContain('  API key:    my-key-123456\n');
    expect(banner).toContain(`baseUrl: ${url}/v1`);
    expect(banner).toContain('Press Ctrl-C to stop.');
    const res = await fetch(`${url}/v1/contacts`, { headers: { authorization: 'Bearer my-key-123456' } });
    expect(((await res.json()) as { data: { email: string }[] }).data.map((c: { email: string }) => c.email)).toEqual([
      'ann@x.com',
    ]);
    t.stop.abort();
    expect(await done).toBe(0);
    expect(t.out.at(-1)).toBe('crm emulator stopped\n');
    await expect(fetch(`${url}/v1/contacts`)).rejects.toThrow();
  });

  it('the http emulator serves the test API with the seeded number of records', async () => {
    const t = io();
    const done = emulate(['http', '--seed', seedFile('{ "records": 3 }')], t.io);
    while (!t.started()) await new Promise((r) => setTimeout(r, 5));
    const body = (await (await fetch(`${t.started()!.url}/items/offset?limit=10`)).json()) as { total: number };
    expect(body.total).toBe(3);
    t.stop.abort();
    expect(await done).toBe(0);
  });
});
