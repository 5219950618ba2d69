import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { fileConnector } from './index.js';

describe('file connector', () => {
  const { dir: base, ctx } = tempContext('syncline-file-');

  it('offers csv, jsonl and json sources and destinations', () => {
    expect(fileConnector.name).toBe('file');
    expect(fileConnector.sources?.map((s) => s.type)).toEqual(['csv', 'jsonl', 'json']);
    expect(fileConnector.destinations?.map((d) => d.type)).toEqual(['csv', 'jsonl', 'json']);
  });

  it('resolves dir against the base folder and checks it exists', async () => {
    const here = await fileConnector.open(fileConnector.connection.parse({}), ctx);
    expect(here).toEqual({ dir: base });
    await expect(fileConnector.check(here, ctx)).resolves.toBeUndefined();
    const missing = await fileConnector.open(fileConnector.connection.parse({ dir: 'nope' }), ctx);
    await expect(fileConnector.check(missing, ctx)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining(join(base, 'nope')),
    });
    await fileConnector.close(here);
  });
});
