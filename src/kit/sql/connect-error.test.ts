import { describe, expect, it } from 'vitest';
import { FlowError } from '../../sdk/errors.js';
import { connectError } from './connect-error.js';

describe('connectError', () => {
  it('an unknown host, an unreachable server with what to check, else the mapped error', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND nohost'), { code: 'ENOTFOUND' });
    const io = new FlowError('TRANSIENT_IO', 'x');
    expect(connectError(dns, 'db', io, 'h').code).toBe('CONNECTION_FAILED');
    const refused = connectError(new Error('ECONNREFUSED'), 'db', io, 'Check the port.');
    expect([refused.code, refused.message, refused.hint]).toEqual([
      'TRANSIENT_IO',
      'cannot reach db: ECONNREFUSED',
      'Check the port.',
    ]);
    const auth = new FlowError('CONNECTION_FAILED', 'bad password');
    expect(connectError(new Error('auth'), 'db', auth, 'h')).toBe(auth);
  });
});
