import { describe, expect, it } from 'vitest';
import { connect, testContext, useHttpTestServer } from '../../../test/emulators/http/http-fixture.js';
import { createRecord } from '../../sdk/index.js';
import { requestDestination } from './request-destination.js';
import { requestKeyedWrites } from './request-keyed-writes.js';

const t = useHttpTestServer();
const ctx = testContext();
const parse = (c: Record<string, unknown>) => requestDestination.config.parse(c) as never;

describe('http.request keyed writes', () => {
  it('follows REST conventions for an operation without its block', () => {
    const base = parse({ path: '/customers/', idPath: 'data.id', body: { name: '{{name}}' } });
    expect(requestKeyedWrites.config(base, 'insert', 'code')).toMatchObject({
      method: 'POST',
      path: '/customers/',
      idPath: 'data.id',
      body: { name: '{{name}}' },
    });
    const update = requestKeyedWrites.config(base, 'update', 'code');
    expect(update).toMatchObject({ method: 'PATCH', path: '/customers/{{code}}', notFound: 'reject' });
    // an update sends the fields it changes, not the create's body template; it reads no id
    expect([update.body, update.idPath]).toEqual([undefined, undefined]);
    expect(requestKeyedWrites.config(base, 'delete', 'code')).toMatchObject({
      method: 'DELETE',
      path: '/customers/{{code}}',
      notFound: 'skip',
    });
  });

  it("takes each operation's block over the conventions, and leaves the blocks out of the result", () => {
    const base = parse({
      path: '/v2/contacts',
      mode: 'batch',
      wrap: 'inputs',
      create: { path: '/v2/contacts/batch', idPath: 'results[0].id' },
      update: { method: 'PUT', path: '/v2/contacts/{{id}}', body: { props: { name: '{{name}}' } } },
      delete: { path: '/v2/contacts/{{id}}/archive', method: 'POST', notFound: 'reject' },
    });
    const create = requestKeyedWrites.config(base, 'insert', 'id');
    expect(create).toMatchObject({
      method: 'POST',
      path: '/v2/contacts/batch',
      mode: 'batch',
      idPath: 'results[0].id',
    });
    expect([create.create, create.update, create.delete]).toEqual([undefined, undefined, undefined]);
    expect(requestKeyedWrites.config(base, 'update', 'id')).toMatchObject({
      method: 'PUT',
      mode: 'record',
      body: { props: { name: '{{name}}' } },
    });
    expect(create.wrap).toBe('inputs');
    // each operation's config is one the destination accepts (a record-mode update has no wrap)
    for (const op of requestKeyedWrites.operations)
      expect(requestDestination.config.safeParse(requestKeyedWrites.config(base, op, 'id')).success).toBe(true);
    expect(requestKeyedWrites.config(base, 'delete', 'id')).toMatchObject({
      method: 'POST',
      path: '/v2/contacts/{{id}}/archive',
      notFound: 'reject',
    });
  });

  it('notFound: a 404 rejects with RECORD_NOT_FOUND or is skipped; without it, a 404 is HTTP_REJECTED', async () => {
    const write = async (notFound?: string) => {
      const config = parse({ method: 'DELETE', path: '/customers/{{id}}', ...(notFound ? { notFound } : {}) });
      const w = await requestDestination.open({ config, connection: connect(t.server.url) }, ctx);
      return w.write([createRecord({ id: 'nobody' }, { id: 'line:2' })], ctx);
    };
    const skip = await write('skip');
    expect([skip.written, skip.skipped, skip.rejected]).toEqual([0, 1, []]);
    const reject = await write('reject');
    expect(reject.rejected.map((r) => [r.error.code, r.error.kind])).toEqual([['RECORD_NOT_FOUND', 'record']]);
    expect(reject.rejected[0]?.error.message).toMatch(/^record line:2: DELETE .*\/customers\/nobody answered 404/);
    expect((await write()).rejected.map((r) => r.error.code)).toEqual(['HTTP_REJECTED']);
  });
});
