import { describe, expect, it } from 'vitest';
import { expandReferences } from './expand-references.js';
import { protectReferences } from './reference-tokens.js';

const env = { HOST: 'db.local', PORT: '5432', EMPTY: '', SYNCLINE_SECRET_TOKEN: 'tok-123' };

describe('expandReferences', () => {
  const ok: readonly [string, string][] = [
    ['plain text', 'plain text'],
    ['${env:HOST}', 'db.local'],
    ['postgres://${env:HOST}:${env:PORT}/erp', 'postgres://db.local:5432/erp'],
    ['${env:MISSING:-fallback}', 'fallback'],
    ['${env:EMPTY:-fallback}', 'fallback'],
    ['${env:MISSING:-}', ''],
    ['${env:MISSING:-a:b/c d}', 'a:b/c d'],
    ['${env:EMPTY}', ''],
    ['$${env:HOST}', '${env:HOST}'],
    ['price in $', 'price in $'],
    ['$$ and $x', '$$ and $x'],
    ['Bearer ${secret:TOKEN}', 'Bearer tok-123'],
  ];
  it.each(ok)('%s → %s', (input, output) => {
    const result = expandReferences(input, env);
    expect(result.problems).toEqual([]);
    expect(result.value).toBe(output);
  });

  it('reports the secrets that went into the value', () => {
    expect(expandReferences('${secret:TOKEN}-${env:HOST}', env).secrets).toEqual(['tok-123']);
    expect(expandReferences('${env:HOST}', env).secrets).toEqual([]);
  });

  const bad: readonly [string, string, string][] = [
    ['${env:MISSING}', 'CONFIG_MISSING_ENV', 'environment variable MISSING is not set'],
    ['${secret:NOPE}', 'CONFIG_MISSING_SECRET', 'secret NOPE is not set'],
    ['${HOST}', 'CONFIG_BAD_REFERENCE', 'say where it comes from: ${env:HOST}'],
    ['${env:}', 'CONFIG_BAD_REFERENCE', 'the name must be letters, digits and _'],
    ['${env:my-var}', 'CONFIG_BAD_REFERENCE', 'the name must be letters, digits and _'],
    ['${secret:A:-x}', 'CONFIG_BAD_REFERENCE', 'the name must be letters, digits and _'],
    ['${vault:X}', 'CONFIG_BAD_REFERENCE', 'expected env: or secret:'],
    ['${env:HOST', 'CONFIG_BAD_REFERENCE', 'no closing }'],
  ];
  it.each(bad)('%s → %s', (input, code, message) => {
    const result = expandReferences(input, env);
    expect(result.problems.map((p) => p.code)).toEqual([code]);
    expect(result.problems[0]?.message).toContain(message);
    expect(result.problems[0]?.hint).not.toBe('');
  });

  it('reports every bad reference of one string', () => {
    const result = expandReferences('${env:A}/${env:B}/${env:HOST}', env);
    expect(result.problems.map((p) => p.message)).toEqual([
      'environment variable A is not set',
      'environment variable B is not set',
    ]);
  });
});

describe('protectReferences', () => {
  it('swaps references for tokens of the same length and restores them', () => {
    const text = 'a: { x: ${env:A}, y: "$${env:B}" }\nb: ${secret:C}${env:D}\n';
    const p = protectReferences(text);
    expect(p.text.length).toBe(text.length);
    expect(p.text).not.toContain('${');
    expect(p.text.split('\n').map((l) => l.length)).toEqual(text.split('\n').map((l) => l.length));
    expect(p.restore(p.text)).toBe(text);
  });

  it('handles many references', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `k${i}: \${env:V${i}}`).join('\n');
    const p = protectReferences(text);
    expect(p.restore(p.text)).toBe(text);
  });
});
