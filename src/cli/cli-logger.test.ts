import { describe, expect, it } from 'vitest';
import { createRedactor, sensitiveForms } from '../sdk/index.js';
import { createCliLogger } from './cli-logger.js';
import { createCliRedaction } from './cli-redaction.js';

describe('CLI logger', () => {
  it('masks a secret in every form, in messages, fields and errors, once the flow file is known', () => {
    const secret = 'tok "en"/k+y&1';
    const lines: string[] = [];
    const redaction = createCliRedaction();
    const log = createCliLogger('debug', redaction, { write: (line: string) => lines.push(line) });
    redaction.add(createRedactor({ secrets: [secret] }));
    log.warn({ url: `https://api.example.com/v1?key=${encodeURIComponent(secret)}` }, `refused ${secret}`);
    log.child({ flow: 'f' }).error({ error: new Error(`echo: {"x-api-key":${JSON.stringify(secret)}}`) }, 'failed');
    log.info({ auth: `Basic ${Buffer.from(`user:${secret}`).toString('base64')}` }, 'header');
    expect(lines).toHaveLength(3);
    const text = lines.join('');
    for (const form of sensitiveForms(secret)) expect(text).not.toContain(form);
    expect(text).toContain('refused ***');
    expect(text).toContain('key=***');
  });

  it('writes lines for people by default, JSON with SYNCLINE_LOG_FORMAT=json', () => {
    const lines: string[] = [];
    const log = createCliLogger('info', undefined, { write: (line: string) => lines.push(line) });
    log.warn({ destination: 'crm', records: 12 }, 'destination crm is unavailable');
    expect(lines[0]).toMatch(
      /^\d{2}:\d{2}:\d{2} warn {2}destination crm is unavailable \(destination=crm, records=12\)\n$/,
    );
    process.env.SYNCLINE_LOG_FORMAT = 'json';
    try {
      const json: string[] = [];
      createCliLogger('info', undefined, { write: (line: string) => json.push(line) }).info({ a: 1 }, 'hello');
      expect(JSON.parse(json[0] ?? '')).toMatchObject({ level: 30, msg: 'hello', a: 1 });
    } finally {
      delete process.env.SYNCLINE_LOG_FORMAT;
    }
  });
});
