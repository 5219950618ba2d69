export type { Catalog } from './catalog.js';
export type * from './definition.js';
export { type Env, secretVariable } from './expand-references.js';
export { loadProject } from './load-project.js';
export { type ProjectOptions, parseProject } from './parse-project.js';
export { projectJsonSchema } from './project-json-schema.js';
export { DEFAULT_BATCH_SIZE } from './structure.js';
