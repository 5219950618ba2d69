import type { CatalogIndex } from './catalog.js';
import type { ProblemList } from './problems.js';
import type { Locator } from './yaml-locator.js';

/** What the validation of one flow file carries along: where nodes are, the problems so far, the catalog. */
export interface ParseContext {
  readonly locator: Locator;
  readonly problems: ProblemList;
  readonly catalog: CatalogIndex;
  /** The raw `connections:` map (name → declared connector type, if any), for references to it. */
  readonly connectionTypes: ReadonlyMap<string, string | undefined>;
}
