import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serverConnectionFields, urlOrHost } from './server-connection-fields.js';

describe('urlOrHost', () => {
  it('needs url or host, and shows the URL form', () => {
    const schema = z
      .object({ url: z.string().optional(), ...serverConnectionFields })
      .refine(...urlOrHost('db://host:1/db'));
    expect(schema.safeParse({ host: 'h' }).success).toBe(true);
    expect(schema.safeParse({ url: 'db://h' }).success).toBe(true);
    const bad = schema.safeParse({});
    expect(bad.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['url'], 'give url: db://host:1/db, or host (with port, user, password, database)'],
    ]);
  });
});
