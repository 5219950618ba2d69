import { describe, expect, it } from 'vitest';
import { createRecord, type JsonObject } from '../sdk/index.js';
import { lookupConfigSchema } from './lookup-config.js';
import { lookupStep } from './lookup-step.js';
import { testContext } from './test-helpers.js';

const table = [
  { code: 'DE', name: 'Germany' },
  { code: 'US', name: 'United States' },
];

describe('lookup step (static tables): stats and the shared onMissing config', () => {
  it('reports every keyed record as a hit (the table is in memory), nothing fetched, and the records not found', async () => {
    const processor = await lookupStep.create(
      {
        config: lookupConfigSchema.parse({
          table,
          match: { code: 'country' },
          fields: { country_name: 'name' },
          onMissing: 'null',
        }),
        where: 'flow f/step lookup',
      },
      testContext,
    );
    const page = ([{ country: 'DE' }, { country: 'FR' }, {}] as JsonObject[]).map((data, i) =>
      createRecord(data, { id: `r${i}` }),
    );
    const first = await processor.process(page, testContext);
    expect(first.stats).toEqual({ hits: 2, misses: 0, lookupMs: 0, notFound: 2 });
    const second = await processor.process(page.slice(0, 1), testContext);
    expect(second.stats).toEqual({ hits: 1, misses: 0, lookupMs: 0, notFound: 0 });
  });

  it('reads a bare YAML `onMissing: null` (the null value) as null', () => {
    const config = { table, match: { code: 'country' }, fields: { country_name: 'name' } };
    expect(lookupConfigSchema.parse({ ...config, onMissing: null }).onMissing).toBe('null');
    expect(lookupConfigSchema.safeParse({ ...config, onMissing: 'nul' }).success).toBe(false);
  });

  it('default: may only name output fields', () => {
    const result = lookupConfigSchema.safeParse({
      table,
      match: { code: 'country' },
      fields: { country_name: 'name' },
      onMissing: 'default',
      default: { country: 'n/a' },
    });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['default.country', '"country" is not an output field; default: names fields of `fields:` (country_name)'],
    ]);
  });
});
