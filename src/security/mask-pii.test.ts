import { describe, expect, it } from 'vitest';
import { maskPii, maskPiiInText, maskValue, piiValues } from './mask-pii.js';

describe('PII masking', () => {
  it('shows only the last four characters; values under 8 characters and booleans are masked whole', () => {
    expect(maskValue('ada@example.com')).toBe('***.com');
    expect(maskValue('+49 170 1234567')).toBe('***4567');
    expect(maskValue(4915112345678)).toBe('***5678');
    expect(maskValue('12345678')).toBe('***5678');
    expect(maskValue('1234567')).toBe('***');
    expect(maskValue('Ada')).toBe('***');
    expect(maskValue(4711)).toBe('***');
    expect(maskValue(true)).toBe('***');
    expect(maskValue(null)).toBeNull();
    expect(maskValue({ street: 'Main Street 1', zip: 12345 })).toEqual({ street: '***et 1', zip: '***' });
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
      customer: { email: '***.com', name: '***pper', tier: 'gold' },
      lines: [
        { sku: 'A', contact: { phone: '***0100' } },
        { sku: 'B', contact: { phone: '***0199' } },
      ],
    });
    expect(data).toEqual(before);
    expect(maskPii(data, ['lines.1.sku']).lines).toEqual([data.lines[0], { ...data.lines[1], sku: '***' }]);
  });

  it('finds the values at the declared paths, nested ones included', () => {
    const data = { email: 'a@b.example', n: 491701234567, lines: [{ c: { phone: 'p1' } }, { c: { phone: 'p2' } }] };
    expect(piiValues(data, ['email', 'n', 'lines.*.c', 'nope.x'])).toEqual(['a@b.example', '491701234567', 'p1', 'p2']);
  });

  it('masks the record’s PII values wherever a message quotes them', () => {
    const data = { email: 'grace@example.com', phone: '+1 555 0100', name: 'Al', note: 'x"y\\z-quoted' };
    const pii = ['email', 'phone', 'name', 'note'];
    expect(maskPiiInText(`email "grace@example.com" does not match the pattern`, data, pii)).toBe(
      'email "***.com" does not match the pattern',
    );
    expect(
      maskPiiInText(
        'null value in column "total" violates not-null constraint. Failing row contains (7, grace@example.com, +1 555 0100, null)',
        data,
        pii,
      ),
    ).toBe(
      'null value in column "total" violates not-null constraint. Failing row contains (7, ***.com, ***0100, null)',
    );
    expect(maskPiiInText(JSON.stringify({ note: 'x"y\\z-quoted' }), data, pii)).toBe('{"note":"***oted"}');
    // too short to search for in text: "Al" stays (it would match ordinary words)
    expect(maskPiiInText('Always Al', data, pii)).toBe('Always Al');
    expect(maskPiiInText('grace@example.com', data, [])).toBe('grace@example.com');
  });
});
