import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultKeyFile, LEGACY_KEY_FILE, loadMasterKey } from './load-master-key.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadMasterKey: where the key file goes', () => {
  it('defaults to the user config folder, away from the state store: $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(defaultKeyFile({ XDG_CONFIG_HOME: '/cfg', HOME: '/home/ann' })).toBe('/cfg/syncline/master.key');
    expect(defaultKeyFile({ HOME: '/home/ann' })).toBe('/home/ann/.config/syncline/master.key');
    expect(defaultKeyFile({ XDG_CONFIG_HOME: '', HOME: '/home/ann' })).toBe('/home/ann/.config/syncline/master.key');
  });

  it('creates it 0600 in a 0700 folder there, not in ./.syncline', async () => {
    const config = join(dir, 'config');
    const first = await loadMasterKey({ env: { XDG_CONFIG_HOME: config } });
    const file = join(config, 'syncline', 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(config, 'syncline')).mode & 0o777).toBe(0o700);
    expect((await loadMasterKey({ env: { XDG_CONFIG_HOME: config } }))?.id).toBe(first?.id);
  });

  it('still reads a key in its old place beside the store, with a warning saying where to move it', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, '.syncline'), { recursive: true });
    const key = randomBytes(32);
    writeFileSync(join(project, LEGACY_KEY_FILE), key.toString('base64'), { mode: 0o600 });
    const warnings: string[] = [];
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const env = { XDG_CONFIG_HOME: join(dir, 'empty-config') };
      const loaded = await loadMasterKey({ env, warn: (m) => warnings.push(m) });
      expect(loaded?.key).toEqual(key);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`mv ${LEGACY_KEY_FILE} ${join(dir, 'empty-config', 'syncline', 'master.key')}`);
    } finally {
      process.chdir(cwd);
    }
  });
});
