import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../test/helpers/temp-context.js';
import { createRecord, FlowError, type JsonObject } from '../sdk/index.js';
import { lookupConfigSchema } from './lookup-config.js';
import { lookupStep } from './lookup-step.js';

const { dir, ctx } = tempContext('syncline-lookup-');

async function enrich(config: unknown, rows: JsonObject[]) {
  const processor = await lookupStep.create(
    { config: lookupConfigSchema.parse(config), where: 'flow f/step lookup' },
    ctx,
  );
  const result = await processor.process(
    rows.map((data, i) => createRecord(data, { id: `r${i + 1}` })),
    ctx,
  );
  return {
    out: result.records.map((r) => r.data),
    failed: result.failed.map((f) => [f.record.meta.id, f.error.code, f.error.message]),
  };
}

const countries = [
  { code: 'DE', name: 'Germany', region: 'EU' },
  { code: 'US', name: 'United States', region: 'NA' },
];

describe('lookup step (static tables)', () => {
  it('enriches from inline rows; onMissing error names the key', async () => {
    const r = await enrich(
      { table: countries, match: { code: 'address.country' }, fields: { country: 'name', region: 'region' } },
      [
        { id: 1, address: { country: 'DE' } },
        { id: 2, address: { country: 'FR' } },
      ],
    );
    expect(r.out).toEqual([{ id: 1, address: { country: 'DE' }, country: 'Germany', region: 'EU' }]);
    expect(r.failed).toEqual([['r2', 'RECORD_NOT_FOUND', 'no row of the lookup table where code = "FR"']]);
  });

  it('reads a CSV file relative to the flow file, matches on several columns as text, and applies skip/null/default', async () => {
    writeFileSync(join(dir, 'prices.csv'), 'sku,zone,price\nA-1,1,9.99\nA-1,2,10.49\nB-7,1,3.50\n');
    const rows = [
      { sku: 'A-1', zone: 2 },
      { sku: 'B-7', zone: 2 },
    ];
    const base = { file: 'prices.csv', match: { sku: 'sku', zone: 'zone' }, fields: { price: 'price' } };
    expect((await enrich({ ...base, onMissing: 'skip' }, rows)).out).toEqual([{ sku: 'A-1', zone: 2, price: '10.49' }]);
    expect((await enrich({ ...base, onMissing: 'null' }, rows)).out[1]).toEqual({ sku: 'B-7', zone: 2, price: null });
    expect((await enrich({ ...base, onMissing: 'default', default: { price: '0' } }, rows)).out[1]).toEqual({
      sku: 'B-7',
      zone: 2,
      price: '0',
    });
  });

  it('refuses a table without the named columns, a missing file, and contradictory settings', async () => {
    await expect(enrich({ table: countries, match: { iso: 'c' }, fields: { n: 'name' } }, [])).rejects.toThrow(
      'the lookup table has no column "iso"',
    );
    const missing = await Promise.resolve()
      .then(() => enrich({ file: 'nope.csv', match: { a: 'a' }, fields: { b: 'b' } }, []))
      .catch((e: FlowError) => e);
    expect(missing).toBeInstanceOf(FlowError);
    expect((missing as FlowError).code).toBe('FILE_NOT_FOUND');
    expect(lookupConfigSchema.safeParse({ match: { a: 'a' }, fields: { b: 'b' } }).error?.issues[0]?.message).toContain(
      'give the rows inline with `table:` or a CSV with `file:`',
    );
    expect(
      lookupConfigSchema.safeParse({
        table: countries,
        match: { code: 'c' },
        fields: { n: 'name' },
        onMissing: 'default',
      }).success,
    ).toBe(false);
  });
});
