import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testCatalog } from '../../test/helpers/test-catalog.js';
import { openSyncline } from './open-syncline.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-open-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openSyncline', () => {
  it('refuses a store that does not exist when it must, and creates none', async () => {
    const db = join(dir, 'typo', 'state.db');
    await expect(openSyncline({ db, mustExist: true }, { catalog: testCatalog })).rejects.toThrow(
      /there is no state store at .*typo\/state\.db.* \(--db\)/,
    );
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('opens the store beside the flow file, and closing the app closes it', async () => {
    const file = join(dir, 'flows', 'orders.yaml');
    const app = await openSyncline({ file }, { catalog: testCatalog, env: {} });
    expect(existsSync(join(dir, 'flows', '.syncline', 'syncline.db'))).toBe(true);
    expect(await app.runHistory.list({ limit: 1 })).toEqual([]);
    await app.close();
    await expect(app.runHistory.list({ limit: 1 })).rejects.toThrow();
  });
});
