import { combineRedactors, noRedaction, type Redactor } from '../sdk/index.js';

/**
 * What one `syncline` command logs and prints goes through this: the redactors of the flow files
 * it loaded (their resolved `${secret:…}` / `${env:…}` values, every known secret), added as each
 * file is loaded. Made once per process by `main.ts` and handed to the command, its logger and
 * its error printer.
 */
export interface CliRedaction extends Redactor {
  /** From now on, also mask what `redactor` masks. */
  add(redactor: Redactor | undefined): void;
}

export function createCliRedaction(): CliRedaction {
  let current: Redactor = noRedaction;
  return {
    redact: (text) => current.redact(text),
    add(redactor) {
      if (redactor) current = combineRedactors(current, redactor);
    },
  };
}
