import type { FlowDefinition } from './definition.js';

/**
 * The settings a flow and a sync share as written (a job's description and when it runs): the text
 * ones kept when they are text, `overlap` when it is `skip` or `queue`; the schema reports the rest.
 */
export function scheduleFields(
  value: Record<string, unknown>,
): Pick<FlowDefinition, 'description' | 'schedule' | 'timezone' | 'overlap'> {
  return {
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
    ...(typeof value.schedule === 'string' ? { schedule: value.schedule } : {}),
    ...(typeof value.timezone === 'string' ? { timezone: value.timezone } : {}),
    ...(value.overlap === 'skip' || value.overlap === 'queue' ? { overlap: value.overlap } : {}),
  };
}
