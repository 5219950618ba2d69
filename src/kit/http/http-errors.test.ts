import { describe, expect, it } from 'vitest';
import { networkError, statusError } from './http-errors.js';
import { vendorErrorPaths } from './vendor-error-paths.js';

const label = { connection: 'http connection https://api.example.com', request: 'GET https://api.example.com/x' };
const answer = (status: number, body = '', extra: object = {}) => ({ status, statusText: '', body, ...extra });

describe('error mapping: status → FlowError', () => {
  it.each([
    [408, 'TRANSIENT_IO', 'transient'],
    [429, 'TRANSIENT_IO', 'transient'],
    [500, 'TRANSIENT_IO', 'transient'],
    [503, 'TRANSIENT_IO', 'transient'],
    [401, 'HTTP_AUTH', 'config'],
    [403, 'HTTP_AUTH', 'config'],
    [404, 'HTTP_REJECTED', 'record'],
    [422, 'HTTP_REJECTED', 'record'],
    [302, 'HTTP_BAD_RESPONSE', 'config'],
  ])('%i → %s (%s)', (status, code, kind) => {
    expect(statusError(label, answer(status))).toMatchObject({ code, kind, where: label.connection });
  });

  it('another 4xx is config for a read that can never work; Retry-After and blockedUntil pass through', () => {
    expect(statusError(label, answer(400), { rejectKind: 'config' }).kind).toBe('config');
    const until = new Date(Date.UTC(2026, 0, 1, 1));
    expect(statusError(label, answer(429, '', { retryAfterMs: 5000, blockedUntil: until }))).toMatchObject({
      retryAfterMs: 5000,
      blockedUntil: until,
    });
  });

  it("a vendor reader puts the vendor's code and message in, and may change the kind (Salesforce)", () => {
    const salesforce = vendorErrorPaths({
      code: '[0].errorCode',
      message: '[0].message',
      codes: { REQUEST_LIMIT_EXCEEDED: { kind: 'transient' } },
    });
    const limit = statusError(
      label,
      answer(403, '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]'),
      {
        vendor: salesforce,
      },
    );
    expect(limit).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient' });
    expect(limit.message).toContain('403: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.');
    const session = statusError(
      label,
      answer(401, '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]'),
      {
        vendor: salesforce,
      },
    );
    expect(session).toMatchObject({ code: 'HTTP_AUTH' });
    expect(session.message).toContain('INVALID_SESSION_ID');
  });

  it('NetSuite o:errorDetails, and a body that is not JSON says nothing', () => {
    const netsuite = vendorErrorPaths({
      code: '["o:errorDetails"][0]["o:errorCode"]',
      message: '["o:errorDetails"][0].detail',
    });
    const body =
      '{"title":"Bad Request","status":400,"o:errorDetails":[{"detail":"Invalid field","o:errorCode":"INVALID_FLD"}]}';
    expect(statusError(label, answer(400, body), { vendor: netsuite }).message).toContain('INVALID_FLD: Invalid field');
    expect(statusError(label, answer(502, '<html>bad gateway</html>'), { vendor: netsuite }).message).toContain(
      '<html>',
    );
  });

  it('network failures: resets are transient, an untrusted certificate is config, a canceled run CANCELED', () => {
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    expect(networkError(label, reset, 1000, false)).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient' });
    expect(networkError(label, reset, 1000, false).message).toContain('connection reset');
    const cert = Object.assign(new TypeError('fetch failed'), { cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } });
    expect(networkError(label, cert, 1000, false)).toMatchObject({ code: 'CONNECTION_FAILED', kind: 'config' });
    expect(networkError(label, reset, 1000, true).code).toBe('CANCELED');
  });
});
