import { defineStep } from '../sdk/index.js';
import { compileFilter } from './filter.js';
import { type FilterConfig, filterConfigSchema } from './filter-config.js';
import { recordProcessor } from './record-processor.js';

/** `filter:` — keeps the records that pass the conditions; the engine counts the rest as skipped. */
export const filterStep = defineStep<FilterConfig>({
  type: 'filter',
  description: 'Keeps records matching conditions (eq, ne, gt, gte, lt, lte, in, nin, exists, matches; all/any/not).',
  config: filterConfigSchema,
  create({ config, where }) {
    const keep = compileFilter(config, where);
    return recordProcessor(where, (record) => (keep(record.data) ? record : undefined));
  },
});
