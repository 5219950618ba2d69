import { describe, expect, it } from 'vitest';
import { FlowError, FlowErrors, toFlowError } from './errors.js';

describe('FlowError', () => {
  it.each([
    ['RECORD_BAD_VALUE', 'record'],
    ['TRANSIENT_IO', 'transient'],
    ['CONFIG_INVALID', 'config'],
    ['INTERNAL', 'system'],
    ['SOME_CONNECTOR_CODE', 'system'],
  ] as const)('%s takes its kind (%s) from the catalog', (code, kind) => {
    expect(new FlowError(code, 'x').kind).toBe(kind);
  });

  it('takes the catalog fix as hint unless given one, and formats where, code, message and hint', () => {
    const e = new FlowError('FLOW_NOT_FOUND', 'no flow named "x"', { where: 'a.yaml' });
    expect(e.hint).toContain('flow names');
    expect(e.format()).toBe(`[FLOW_NOT_FOUND] a.yaml: no flow named "x"\n  hint: ${e.hint}`);
    expect(new FlowError('FLOW_NOT_FOUND', 'm', { hint: 'mine', kind: 'record' }).toJSON()).toEqual({
      code: 'FLOW_NOT_FOUND',
      kind: 'record',
      message: 'm',
      hint: 'mine',
    });
  });

  it("gives the catalog's next steps with its fix, not under a hint of one's own", () => {
    expect(new FlowError('ERROR_RECORD_RESOLVED', 'done').next).toEqual([
      { action: 'errors.list', filter: { status: 'open' } },
    ]);
    expect(new FlowError('ERROR_RECORD_RESOLVED', 'done', { hint: 'mine' }).next).toBeUndefined();
    const next = [{ action: 'status.show' }] as const;
    expect(new FlowError('ERROR_RECORD_RESOLVED', 'done', { hint: 'mine', next }).toJSON().next).toEqual(next);
  });

  it('turns any thrown value into a system error keeping its cause', () => {
    const cause = new TypeError('boom');
    const e = toFlowError(cause, 'flow f');
    expect([e.code, e.kind, e.message, e.where, e.cause]).toEqual(['INTERNAL', 'system', 'boom', 'flow f', cause]);
    expect(toFlowError('text').message).toBe('text');
    const same = new FlowError('TRANSIENT_IO', 'reset');
    expect(toFlowError(same)).toBe(same);
  });

  it('reports several errors together', () => {
    const all = new FlowErrors([new FlowError('CONFIG_INVALID', 'a'), new FlowError('CONFIG_BAD_CRON', 'b')]);
    expect(all.errors).toHaveLength(2);
    expect(all.message).toContain('[CONFIG_BAD_CRON] b');
  });
});
