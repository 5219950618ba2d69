import { describe, expect, it } from 'vitest';
import { formatErrorRecord } from './errors-command.js';

type Row = Parameters<typeof formatErrorRecord>[0];

const at = new Date('2026-01-01T00:00:00Z');
const record = (over: Partial<Row>): Row =>
  ({
    id: 7,
    flow: 'f',
    runId: 3,
    recordId: 'line:2',
    stage: { kind: 'destination', name: 'crm' },
    code: 'TRANSIENT_IO',
    kind: 'transient',
    message: 'the destination is unavailable',
    hint: "once the destination is back, retry this destination's error records.",
    payload: { id: 2 },
    status: 'open',
    attempts: 1,
    createdAt: at,
    updatedAt: at,
    ...over,
  }) as Row;

describe('formatErrorRecord', () => {
  it("names the command that retries a down destination's records there only", () => {
    expect(formatErrorRecord(record({}))).toContain(
      '\n  next:     syncline errors retry --all --flow f --destination crm\n',
    );
  });

  it('names none for a record that is not a kept destination batch, or not open', () => {
    expect(formatErrorRecord(record({ kind: 'record', code: 'RECORD_CONSTRAINT' }))).not.toContain('next:');
    expect(formatErrorRecord(record({ status: 'resolved' }))).not.toContain('next:');
    expect(formatErrorRecord(record({ stage: { kind: 'source' } }))).not.toContain('next:');
  });
});
