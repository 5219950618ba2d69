import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseStore } from './store-location.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-store-location-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store in a folder above `from` (outside the test's control), if there is one. */
function storeAbove(from: string): string | undefined {
  for (let folder = dirname(from); ; folder = dirname(folder)) {
    const candidate = join(folder, '.syncline', 'syncline.db');
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

describe('chooseStore', () => {
  it('puts the store beside the flow file, the same from any current folder', () => {
    const fromRoot = chooseStore({ file: 'flows/orders.yaml', cwd: dir, env: {} });
    const fromElsewhere = chooseStore({ file: '../flows/orders.yaml', cwd: join(dir, 'tmp'), env: {} });
    expect(fromRoot.location).toBe(join(dir, 'flows', '.syncline', 'syncline.db'));
    expect(fromElsewhere.location).toBe(fromRoot.location);
    expect(fromRoot.chosenBy).toBe(`beside the flow file ${join(dir, 'flows', 'orders.yaml')}`);
  });

  it('takes --db, then SYNCLINE_DB, made absolute; a postgres URL as is', () => {
    const env = { SYNCLINE_DB: 'env.db' };
    expect(chooseStore({ db: 'a.db', file: 'f.yaml', cwd: dir, env })).toEqual({
      location: join(dir, 'a.db'),
      chosenBy: '--db',
    });
    expect(chooseStore({ file: 'f.yaml', cwd: dir, env })).toEqual({
      location: join(dir, 'env.db'),
      chosenBy: 'SYNCLINE_DB',
    });
    expect(chooseStore({ db: 'postgres://h/db', cwd: dir, env: {} }).location).toBe('postgres://h/db');
  });

  it('without a flow file, finds the nearest store from the current folder up', () => {
    mkdirSync(join(dir, 'project', '.syncline'), { recursive: true });
    mkdirSync(join(dir, 'project', 'deep', 'er'), { recursive: true });
    writeFileSync(join(dir, 'project', '.syncline', 'syncline.db'), '');
    expect(chooseStore({ cwd: join(dir, 'project', 'deep', 'er'), env: {} }).location).toBe(
      join(dir, 'project', '.syncline', 'syncline.db'),
    );
    // nothing in dir/tmp: a store in a folder above the test's own temporary folder (a stray
    // /tmp/.syncline) is found as it should be; otherwise the store would be created in the folder
    const above = storeAbove(dir);
    const none = chooseStore({ cwd: join(dir, 'tmp'), env: {} });
    if (above === undefined) {
      expect(none.location).toBe(join(dir, 'tmp', '.syncline', 'syncline.db'));
      expect(none.chosenBy).toContain('looked for .syncline/syncline.db in');
    } else {
      expect(none).toEqual({ location: above, chosenBy: `found from ${join(dir, 'tmp')}` });
    }
  });
});
