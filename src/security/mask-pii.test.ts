import { describe, expect, it } from 'vitest';
import { maskPii, maskValue } from './mask-pii.js';

describe('PII masking', () => {
  it('masks emails, phone numbers, short texts, numbers and nested values', () => {
    expect(maskValue('ada@example.com')).toBe('a***@example.com');
    expect(maskValue('+49 170 1234567')).toBe('+***67');
    expect(maskValue('Ada')).toBe('***');
    expect(maskValue(4711)).toBe('***');
    expect(maskValue(null)).toBeNull();
    expect(maskValue({ street: 'Main Street 1', zip: 12345 })).toEqual({ street: 'M*** 1', zip: '***' });
  });

  it('masks only the declared paths, with * for any key or index, leaving the input unchanged', () => {
    const data = {
      id: 7,
      customer: { email: 'grace@example.com', name: 'Grace Hopper', tier: 'gold' },
      lines: [
        { sku: 'A', contact: { phone: '+1 555 0100' } },
        { sku: 'B', contact: { phone: '+1 555 0199' } },
      ],
    };
    const before = structuredClone(data);
    expect(maskPii(data, ['customer.email', 'customer.name', 'lines.*.contact.phone', 'missing.path'])).toEqual({
      id: 7,
      customer: { email: 'g***@example.com', name: 'G***er', tier: 'gold' },
      lines: [
        { sku: 'A', contact: { phone: '+***00' } },
        { sku: 'B', contact: { phone: '+***99' } },
      ],
    });
    expect(data).toEqual(before);
    expect(maskPii(data, ['lines.1.sku']).lines).toEqual([data.lines[0], { ...data.lines[1], sku: '***' }]);
  });
});
