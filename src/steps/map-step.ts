import { defineStep, withData } from '../sdk/index.js';
import { type MapConfig, mapConfigSchema } from './map-config.js';
import { compileMapping } from './mapping.js';
import { recordProcessor } from './record-processor.js';

/** `map:` — builds each output record from mapped fields, compiled to closures at create. */
export const mapStep = defineStep<MapConfig>({
  type: 'map',
  description:
    'Builds each record from mapped fields: paths, transforms, value maps, templates, constants and expressions.',
  config: mapConfigSchema,
  create({ config, where }) {
    const mapping = compileMapping(config, where);
    return recordProcessor(where, (record) => withData(record, mapping(record.data)));
  },
});
