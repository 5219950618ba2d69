import { describe, expect, it } from 'vitest';
import { listMessage } from './list-message.js';

describe('listMessage', () => {
  it.each([
    ['orders.csv:3: expected 5 fields, found 3: 1;2;3', 'expected 5 fields, found 3: 1;2;3'],
    [
      'flow orders/destination erp (flows/orders.yaml:14:9): value too long for type character varying(10)',
      'value too long for type character varying(10)',
    ],
    ['data.json[12]: element 12 is not a JSON object: 3', 'element 12 is not a JSON object: 3'],
    ['flow orders: the record has no email', 'the record has no email'],
    [
      'flow customers/step map (/tmp/t/customers.yaml:14:9) record line:4: field email: source email is missing',
      'field email: source email is missing',
    ],
    ['no location here', 'no location here'],
  ])('drops the location: %s', (message, shown) => {
    expect(listMessage(message, undefined)).toBe(shown);
  });

  it('piped: the whole message; on a terminal: cut to the width with …', () => {
    const long = `orders.csv:3: ${'x'.repeat(200)}`;
    expect(listMessage(long, undefined)).toHaveLength(200);
    expect(listMessage(long, 50)).toBe(`${'x'.repeat(49)}…`);
  });
});
