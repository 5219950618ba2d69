import { type DataRecord, type Failed, FlowError, type Processor, toFlowError } from '../sdk/index.js';
import { locate } from './problems.js';

/**
 * A processor applying `each` to every record: a record comes out, or `undefined` drops it.
 * A record whose `each` throws goes to `failed`, located at `<where> record <id>`; never throws.
 */
export function recordProcessor(where: string, each: (record: DataRecord) => DataRecord | undefined): Processor {
  return {
    process(records) {
      const out: DataRecord[] = [];
      const failed: Failed[] = [];
      for (const record of records) {
        try {
          const result = each(record);
          if (result !== undefined) out.push(result);
        } catch (error) {
          const at = `${where} record ${record.meta.id}`;
          const e = error instanceof FlowError ? locate(error, at) : toFlowError(error, at);
          failed.push({ record, error: e });
        }
      }
      return { records: out, failed };
    },
  };
}
