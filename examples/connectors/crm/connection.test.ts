import { afterAll, describe, expect, it } from 'vitest';
import { FlowError } from '../../../src/sdk/index.js';
import { conformanceContext } from '../../../test/conformance/conformance-context.js';
import { createCrmEmulator } from '../../../test/emulators/crm/crm-emulator.js';
import { crmSeedSchema } from '../../../test/emulators/crm/crm-seed.js';
import { crmConnector } from './index.js';

const ctx = conformanceContext();
const crm = createCrmEmulator({ seed: crmSeedSchema.parse({ apiKey: 'right-key-0001' }) });
const url = await crm.listen();
afterAll(() => crm.close());
const open = (settings: Record<string, unknown>) =>
  Promise.resolve(crmConnector.open(crmConnector.connection.parse({ baseUrl: `${url}/v1`, ...settings }), ctx));

describe('crm connection', () => {
  it('check passes with the right API key, sent as a bearer token', async () => {
    await expect(crmConnector.check(await open({ apiKey: 'right-key-0001' }), ctx)).resolves.toBeUndefined();
    expect(crm.recorder.calls.at(-1)?.headers['authorization']).toMatch(/^Bearer \[masked [0-9a-f]{6}\]$/);
  });

  it('check with a wrong key fails with HTTP_AUTH quoting the CRM, the key never in the message', async () => {
    const error = await crmConnector.check(await open({ apiKey: 'wrong-key-0001' }), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toMatchObject({ code: 'HTTP_AUTH', kind: 'config' });
    expect((error as FlowError).message).toContain('UNAUTHORIZED');
    expect(JSON.stringify({ ...(error as FlowError), message: (error as FlowError).message })).not.toContain(
      'wrong-key-0001',
    );
  });

  it('the settings are checked: a base URL, a key of 8 characters, nothing unknown', () => {
    const problems = crmConnector.connection.safeParse({ baseUrl: 'ftp://x', apiKey: 'short', apikey: 'x' });
    expect(problems.success).toBe(false);
    expect(problems.error?.issues.map((i) => i.path.join('.') || i.message)).toEqual(
      expect.arrayContaining(['baseUrl', 'apiKey']),
    );
  });
});
