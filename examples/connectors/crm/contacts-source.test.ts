import { afterAll, describe, expect, it } from 'vitest';
import { FlowError, type Json } from '../../../src/sdk/index.js';
import { conformanceContext } from '../../../test/conformance/conformance-context.js';
import { createCrmEmulator } from '../../../test/emulators/crm/crm-emulator.js';
import { defaultCrmSeed } from '../../../test/emulators/crm/crm-seed.js';
import type { CrmConnection } from './connection.js';
import { contactsSource } from './contacts-source.js';
import { crmConnector } from './index.js';

const ctx = conformanceContext();
const crm = createCrmEmulator({ seed: { ...defaultCrmSeed, apiKey: 'source-key-0001' } });
const url = await crm.listen();
afterAll(() => crm.close());
const connection = (await crmConnector.open(
  crmConnector.connection.parse({ baseUrl: `${url}/v1`, apiKey: 'source-key-0001' }),
  ctx,
)) as CrmConnection;
const checkpoints: (Json | undefined)[] = [];
const read = async (extra: { from?: Json; cursorField?: string }) => {
  const ids: string[] = [];
  checkpoints.length = 0;
  for await (const page of contactsSource.read(
    { config: contactsSource.config.parse({ pageSize: 10 }), connection, ...extra },
    ctx,
  )) {
    ids.push(...page.records.map((r) => r.meta.id));
    checkpoints.push(page.checkpoint);
  }
  return ids;
};
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('crm.contacts source', () => {
  it('reads the 25 sample contacts, the last page checkpointed as done: a resumed run reads nothing more', async () => {
    expect(await read({})).toHaveLength(25);
    expect(checkpoints).toEqual([{ cursor: expect.any(String) }, { cursor: expect.any(String) }, { done: true }]);
    expect(await read({ from: { done: true } })).toEqual([]);
  });

  it('a delta field other than updated_at is a config error naming the fix, before any request', async () => {
    const calls = crm.recorder.calls.length;
    const error = await failure(read({ cursorField: 'created_at' }));
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', kind: 'config', field: 'delta.field' });
    expect((error as FlowError).hint).toContain('delta: { field: updated_at }');
    expect(crm.recorder.calls.length).toBe(calls);
  });

  it.each([[{ url: 'https://x', method: 'GET' }], [{ cursor: '' }], ['c_000001'], [null]] as const)(
    'a checkpoint of another shape (%j) fails with CRM_BAD_CHECKPOINT',
    async (from) => {
      const error = await failure(read({ from: from as Json }));
      expect(error).toMatchObject({ code: 'CRM_BAD_CHECKPOINT', kind: 'config' });
    },
  );
});
