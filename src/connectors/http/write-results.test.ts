import { describe, expect, it } from 'vitest';
import { connect, testContext, useHttpTestServer } from '../../../test/emulators/http/http-fixture.js';
import { TEST_CREDENTIALS } from '../../../test/emulators/http-test-server.js';
import { createRecord, type JsonObject, type Writer } from '../../sdk/index.js';
import { requestDestination } from './request-destination.js';

const t = useHttpTestServer();
const ctx = testContext();
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));

async function writer(config: Record<string, unknown>, connection = connect(t.server.url)): Promise<Writer> {
  return requestDestination.open({ config: requestDestination.config.parse(config), connection }, ctx);
}

const marketo = {
  path: '/marketo/leads.json',
  mode: 'batch',
  results: {
    path: 'result',
    success: { path: 'status', in: ['created', 'updated'] },
    error: 'reasons[0].message',
    code: 'reasons[0].code',
    id: 'id',
  },
};

describe('http.request destination: per-record results in a 2xx answer', () => {
  it('Marketo: a 200 whose result says "skipped" rejects that record with the API code and message', async () => {
    const create = await writer({ ...marketo, wrap: 'input' });
    const first = await create.write(recs([{ email: 'a@x.com' }, { email: 'b@x.com', bad: 1 }]), ctx);
    expect(first.rejected.map((r) => [r.index, r.error.code, r.error.kind])).toEqual([
      [1, 'HTTP_RECORD_REJECTED', 'record'],
    ]);
    expect(first.rejected[0]?.error.message).toMatch(
      /^record r2 \(2 of 2 in the batch\): POST http:\/\/127\.0\.0\.1:\d+\/marketo\/leads\.json answered 200, but .*not written: 1003 Invalid value for field bad: 1$/,
    );
    expect(first.ids).toEqual([expect.stringMatching(/^\d+$/), undefined]);
  });

  it('masks the connection secrets in the API message of a refused record', async () => {
    const conn = connect(t.server.url, { auth: { type: 'bearer', token: TEST_CREDENTIALS.token } });
    const w = await writer({ ...marketo, wrap: 'input' }, conn);
    const result = await w.write(recs([{ email: 'm@x.com', bad: TEST_CREDENTIALS.token }]), ctx);
    expect(result.rejected[0]?.error.message).toContain('Invalid value for field bad: ***');
    expect(result.rejected[0]?.error.message).not.toContain(TEST_CREDENTIALS.token);
  });

  it('Salesforce collections: success false becomes a record error; ids come from results.id', async () => {
    const w = await writer({
      method: 'PATCH',
      path: '/sf/composite/sobjects/Account/Ext__c',
      mode: 'batch',
      body: { Ext__c: '{{code}}', Name: '{{name}}' },
      wrap: 'records',
      results: { success: 'success', error: 'errors[0].message', code: 'errors[0].statusCode', id: 'id' },
    });
    // the body template leaves Name null when the record has none
    const result = await w.write(
      recs([
        { code: 'A1', name: 'Acme' },
        { code: 'B2', name: null },
      ]),
      ctx,
    );
    expect(result.ids).toEqual(['001A1', undefined]);
    expect(result.rejected.map((r) => [r.index, r.error.code])).toEqual([[1, 'HTTP_RECORD_REJECTED']]);
    expect(result.rejected[0]?.error.message).toContain('REQUIRED_FIELD_MISSING Required fields are missing: [Name]');
  });

  it('a results list that does not match the batch fails with HTTP_RESULTS_MISMATCH instead of counting them written', async () => {
    const w = await writer({ ...marketo, wrap: 'input', path: '/marketo/leads.json?short=1' });
    await expect(w.write(recs([{ email: 'c@x.com' }, { email: 'd@x.com' }]), ctx)).rejects.toMatchObject({
      code: 'HTTP_RESULTS_MISMATCH',
      kind: 'config',
      message: expect.stringContaining('with 1 results at results path "result" for 2 records sent'),
    });
    const wrongPath = await writer({ ...marketo, wrap: 'input', results: { ...marketo.results, path: 'results' } });
    await expect(wrongPath.write(recs([{ email: 'e@x.com' }]), ctx)).rejects.toMatchObject({
      code: 'HTTP_RESULTS_MISMATCH',
      message: expect.stringContaining('with nothing at results path "results"'),
    });
  });

  it('record mode reads the one result of each answer', async () => {
    const w = await writer({
      path: '/marketo/leads.json',
      body: { action: 'createOnly', input: [{ email: '{{email}}' }] },
      results: marketo.results,
      concurrency: 1,
    });
    const result = await w.write(recs([{ email: 'f@x.com' }, { email: 'f@x.com' }]), ctx);
    expect(result.ids?.[0]).toMatch(/^\d+$/);
    expect(result.rejected.map((r) => [r.index, r.error.code])).toEqual([[1, 'HTTP_RECORD_REJECTED']]);
    expect(result.rejected[0]?.error.message).toMatch(/^record r2: .*1005 Lead already exists$/);
  });

  it('HubSpot-style 207 Multi-Status without results: no record of the batch is counted as written', async () => {
    const w = await writer({
      path: '/hubspot/batch/upsert',
      mode: 'batch',
      wrap: 'inputs',
      body: { id: '{{email}}', idProperty: 'email', properties: { firstname: '{{name}}' } },
    });
    const fine = await w.write(recs([{ email: 'g@x.com', name: 'G' }]), ctx);
    expect(fine.rejected).toEqual([]);
    const bodyBad = await writer({
      path: '/hubspot/batch/upsert',
      mode: 'batch',
      wrap: 'inputs',
      body: { id: '{{email}}', properties: { bad: '{{bad}}' } },
    });
    const partial = await bodyBad.write(recs([{ email: 'h@x.com', bad: 1 }]), ctx);
    expect(partial.rejected.map((r) => [r.index, r.error.code, r.error.kind])).toEqual([
      [0, 'HTTP_MULTI_STATUS', 'record'],
    ]);
    expect(partial.rejected[0]?.error.message).toContain('answered 207 Multi-Status');
  });

  it('rejects malformed result paths and idPath together with results when validated', () => {
    const bad = requestDestination.config.safeParse({ results: { success: 'status[' } });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['results', 'success'] });
    const both = requestDestination.config.safeParse({ idPath: 'id', results: { success: 'ok' } });
    expect(both.error?.issues[0]?.message).toContain('results.id');
  });
});
