import { describe, expect, it } from 'vitest';
import { createRecord, type JsonObject } from '../sdk/index.js';
import { testContext } from './test-helpers.js';
import { validateConfigSchema } from './validate-config.js';
import { validateStep } from './validate-step.js';

async function check(config: unknown, rows: JsonObject[]) {
  const processor = await validateStep.create(
    { config: validateConfigSchema.parse(config), where: 'flow f/step validate' },
    testContext,
  );
  const records = rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));
  const result = await processor.process(records, testContext);
  return {
    passed: result.records.map((r) => r.meta.id),
    failed: result.failed.map((f) => [f.record.meta.id, f.error.code, f.error.field, f.error.message]),
  };
}

describe('validate step (data quality)', () => {
  it('passes good records unchanged and fails bad ones with DATA_QUALITY naming every broken rule', async () => {
    const rules = {
      email: { required: true, pattern: '^[^@\\s]+@[^@\\s]+\\.[a-z]+$' },
      total: { type: 'number', min: 0, max: 10_000 },
      currency: { enum: ['EUR', 'USD'] },
      'customer.name': { type: 'string', minLength: 2, maxLength: 20 },
      placed: { type: 'date' },
    };
    const good = {
      email: 'ada@example.com',
      total: 12.5,
      currency: 'EUR',
      customer: { name: 'Ada' },
      placed: '2026-11-27T08:00:00Z',
    };
    const r = await check(rules, [
      good,
      { ...good, email: '' },
      { ...good, email: 'not-an-email', total: -3 },
      { ...good, total: '12', currency: 'GBP' },
      { ...good, customer: { name: 'A' }, placed: '27.11.2026' },
      { ...good, total: null, currency: undefined as never },
    ]);
    expect(r.passed).toEqual(['r1', 'r6']);
    expect(r.failed).toEqual([
      ['r2', 'DATA_QUALITY', 'email', 'email required: it is missing'],
      [
        'r3',
        'DATA_QUALITY',
        'email',
        'email pattern: "not-an-email" does not match ^[^@\\s]+@[^@\\s]+\\.[a-z]+$; total min: -3 is below 0',
      ],
      [
        'r4',
        'DATA_QUALITY',
        'total',
        'total type: "12" is not a number; currency enum: "GBP" is not one of "EUR", "USD"',
      ],
      [
        'r5',
        'DATA_QUALITY',
        'customer.name',
        'customer.name minLength: 1 characters, at least 2; placed type: "27.11.2026" is not a date',
      ],
    ]);
  });

  it('checks unique within the run, across pages', async () => {
    const processor = await validateStep.create(
      { config: validateConfigSchema.parse({ order_no: { unique: true, required: true } }), where: 'w' },
      testContext,
    );
    const page = async (ids: string[]) =>
      (
        await processor.process(
          ids.map((id, i) => createRecord({ order_no: id }, { id: `${id}-${i}` })),
          testContext,
        )
      ).failed.map((f) => f.error.message);
    expect(await page(['A', 'B', 'A'])).toEqual(['order_no unique: "A" appeared earlier in this run']);
    expect(await page(['C', 'B'])).toEqual(['order_no unique: "B" appeared earlier in this run']);
  });

  it('rejects bad rules before anything runs', () => {
    expect(validateConfigSchema.safeParse({}).success).toBe(false);
    expect(validateConfigSchema.safeParse({ a: { pattern: '(' } }).error?.issues[0]?.message).toBe(
      'not a valid regular expression',
    );
    expect(validateConfigSchema.safeParse({ a: { type: 'text' } }).success).toBe(false);
    expect(validateConfigSchema.safeParse({ a: { requird: true } }).success).toBe(false);
  });

  it('counts the records breaking each rule in the step stats of the run record', async () => {
    const processor = await validateStep.create(
      {
        config: validateConfigSchema.parse({ email: { required: true, pattern: '@' }, total: { min: 0 } }),
        where: 'flow f/step validate',
      },
      testContext,
    );
    const rows: JsonObject[] = [
      { email: 'a@x', total: 1 },
      { total: -1 },
      { email: 'nope', total: -2 },
      { email: 'b@y', total: 3 },
    ];
    const result = await processor.process(
      rows.map((data, i) => createRecord(data, { id: `r${i}` })),
      testContext,
    );
    expect(result.stats).toEqual({ 'email required': 1, 'email pattern': 1, 'total min': 2 });
    const clean = await processor.process([createRecord({ email: 'c@z', total: 0 }, { id: 'r9' })], testContext);
    expect(clean.stats).toBeUndefined();
  });
});
