import { describe, expect, it } from 'vitest';
import { describePostgresUrl, isPostgresUrl } from './postgres-url.js';

describe('isPostgresUrl', () => {
  it.each([
    ['postgres://h/db', true],
    ['postgresql://u@h:5433/db', true],
    ['POSTGRES://h/db', true],
    ['./.syncline/syncline.db', false],
    [':memory:', false],
    ['/var/lib/postgres/syncline.db', false],
  ])('%s → %s', (location, expected) => {
    expect(isPostgresUrl(location)).toBe(expected);
  });
});

describe('describePostgresUrl', () => {
  it.each([
    ['postgres://u:pw@db.internal:6543/app', 'db.internal:6543', 'postgres://u:****@db.internal:6543/app'],
    ['postgres://u@127.0.0.1/app', '127.0.0.1:5432', 'postgres://u@127.0.0.1/app'],
    [
      'postgresql://u:p%40ss@[::1]:5432/app?sslmode=disable',
      '[::1]:5432',
      'postgresql://u:****@[::1]:5432/app?sslmode=disable',
    ],
    ['postgres:///app', 'localhost:5432', 'postgres:///app'],
  ])('%s → %s', (url, hostPort, masked) => {
    expect(describePostgresUrl(url)).toEqual({ hostPort, masked });
  });

  it('masks the password of a URL it cannot parse', () => {
    const described = describePostgresUrl('postgres://u:se cret@bad host:x/db');
    expect(described.masked).not.toContain('se cret');
  });
});
