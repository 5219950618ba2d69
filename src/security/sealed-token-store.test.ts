import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import { createSealedTokenStore } from './sealed-token-store.js';
import { masterKey } from './secret-box.js';
import { createSecretVault } from './secret-vault.js';

describe('sealed token store', () => {
  it('keeps tokens sealed in the store, apart from ${secret:…} secrets', async () => {
    const store = await openStore(':memory:');
    const key = masterKey(randomBytes(32));
    const tokens = createSealedTokenStore(store, [key]);
    expect(await tokens.load('oauth:abc')).toBeUndefined();
    await tokens.save('oauth:abc', { accessToken: 'at-123', expiresAt: 1_800_000_000_000 });
    expect(await tokens.load('oauth:abc')).toEqual({ accessToken: 'at-123', expiresAt: 1_800_000_000_000 });
    const [row] = await store.listSecrets();
    expect(row?.name).toBe('token:oauth:abc');
    expect(row?.sealed).not.toContain('at-123');
    const vault = createSecretVault(store, [key]);
    await vault.set('API_KEY', 'k');
    expect((await vault.names()).map((n) => n.name)).toEqual(['API_KEY']);
    expect(await vault.all()).toEqual({ API_KEY: 'k' });
    await expect(createSealedTokenStore(store, [masterKey(randomBytes(32))]).load('oauth:abc')).rejects.toMatchObject({
      code: 'SECRET_UNREADABLE',
    });
    await store.close();
  });
});
