import { describe, expect, it } from 'vitest';
import { FlowError } from '../sdk/index.js';
import { errorBody } from './webhook-status.js';

describe('errorBody', () => {
  it('gives the next steps as data, with the route of this server where it has one', () => {
    const error = new FlowError('ERROR_RECORD_NOT_RETRYABLE', 'not alone', {
      hint: 'Run the flow again.',
      next: [
        { action: 'flows.run', flow: 'my orders' },
        { action: 'flows.run', flow: 'f', fromStart: true },
        { action: 'status.show' },
      ],
    });
    expect(errorBody(error).error).toEqual({
      code: 'ERROR_RECORD_NOT_RETRYABLE',
      message: 'not alone',
      hint: 'Run the flow again.',
      next: [
        { action: 'flows.run', flow: 'my orders', route: 'POST /flows/my%20orders/runs' },
        { action: 'flows.run', flow: 'f', fromStart: true },
        { action: 'status.show' },
      ],
    });
    expect(errorBody(new FlowError('INTERNAL', 'x', { hint: 'h' })).error).toEqual({
      code: 'INTERNAL',
      message: 'x',
      hint: 'h',
    });
  });
});
