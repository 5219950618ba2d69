import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMasterKey } from './load-master-key.js';
import { masterKey, openSecret, sealSecret } from './secret-box.js';

const key = masterKey(randomBytes(32));

describe('secret box', () => {
  it('seals with AES-256-GCM and opens again; the sealed text does not contain the value', () => {
    const sealed = sealSecret(key, 'SHOP_TOKEN', 'shpat_123 ünïcode');
    expect(sealed).toMatch(new RegExp(`^v1:${key.id}:`));
    expect(sealed).not.toContain('shpat');
    expect(openSecret([key], 'SHOP_TOKEN', sealed)).toBe('shpat_123 ünïcode');
    expect(sealSecret(key, 'SHOP_TOKEN', 'same')).not.toBe(sealSecret(key, 'SHOP_TOKEN', 'same'));
  });

  it.each([
    ['another name', (s: string) => s, 'OTHER', /altered/],
    [
      'a flipped byte',
      // flip a bit of the first ciphertext byte (changing a base64 character near the end could touch only padding bits)
      (s: string) => {
        const parts = s.split(':');
        const data = Buffer.from(parts.at(-1) as string, 'base64');
        data[0] = (data[0] as number) ^ 1;
        return [...parts.slice(0, -1), data.toString('base64')].join(':');
      },
      'SHOP_TOKEN',
      /altered/,
    ],
    ['garbage', () => 'nonsense', 'SHOP_TOKEN', /known sealed format/],
  ])('refuses %s', (_, change, name, message) => {
    const sealed = change(sealSecret(key, 'SHOP_TOKEN', 'value'));
    expect(() => openSecret([key], name, sealed)).toThrow(message);
  });

  it('opens with an older key during rotation and names the key it needs otherwise', () => {
    const old = masterKey(randomBytes(32));
    const sealed = sealSecret(old, 'A', 'v');
    expect(openSecret([key, old], 'A', sealed)).toBe('v');
    expect(() => openSecret([key], 'A', sealed)).toThrow(`sealed with master key ${old.id}`);
  });
});

describe('loadMasterKey', () => {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-key-'));

  it('reads SYNCLINE_MASTER_KEY in base64 or hex and rejects other lengths', async () => {
    const raw = randomBytes(32);
    expect((await loadMasterKey({ env: { SYNCLINE_MASTER_KEY: raw.toString('base64') } }))?.key).toEqual(raw);
    expect((await loadMasterKey({ env: { SYNCLINE_MASTER_KEY: raw.toString('hex') } }))?.key).toEqual(raw);
    await expect(loadMasterKey({ env: { SYNCLINE_MASTER_KEY: 'c2hvcnQ=' } })).rejects.toMatchObject({
      code: 'MASTER_KEY_INVALID',
    });
  });

  it('generates a key file with mode 0600 once, then reads it back; refuses a readable one', async () => {
    const file = join(dir, 'sub', 'master.key');
    const env = { SYNCLINE_MASTER_KEY_FILE: file };
    expect(await loadMasterKey({ env, create: false })).toBeUndefined();
    const first = await loadMasterKey({ env });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await loadMasterKey({ env }))?.id).toBe(first?.id);
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, randomBytes(32).toString('base64'));
    chmodSync(loose, 0o644);
    await expect(loadMasterKey({ env: { SYNCLINE_MASTER_KEY_FILE: loose } })).rejects.toMatchObject({
      code: 'MASTER_KEY_INVALID',
      hint: `run: chmod 600 ${loose}`,
    });
    expect(readFileSync(file, 'utf8').trim()).toHaveLength(44);
  });
});
