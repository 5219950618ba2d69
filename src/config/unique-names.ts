import type { ParseContext } from './parse-context.js';
import { formatPath, type PathKey } from './yaml-locator.js';

export interface NameRequest {
  /** The user's `name:`, if given. */
  readonly explicit: string | undefined;
  /** The default: the step type or the destination's connection name. */
  readonly base: string;
  /** YAML path of the item (its `name` key is reported on a clash). */
  readonly path: readonly PathKey[];
}

/**
 * Names unique within a flow: the user's name, else `base`, `base#2`, `base#3`… for repeats.
 * Two items with the same explicit name are a problem.
 */
export function uniqueNames(requests: readonly NameRequest[], what: string, ctx: ParseContext): string[] {
  const taken = new Map<string, readonly PathKey[]>();
  for (const r of requests) {
    if (r.explicit === undefined) continue;
    const first = taken.get(r.explicit);
    if (first) {
      const path = [...r.path, 'name'];
      ctx.problems.add(
        'CONFIG_INVALID',
        ctx.locator.at(path),
        `${formatPath(path)}: ${what} name "${r.explicit}" is already used by ${formatPath(first)}`,
        `Give each ${what} of a flow its own name.`,
      );
    } else {
      taken.set(r.explicit, r.path);
    }
  }
  return requests.map((r) => {
    if (r.explicit !== undefined) return r.explicit;
    let name = r.base;
    for (let n = 2; taken.has(name); n++) name = `${r.base}#${n}`;
    taken.set(name, r.path);
    return name;
  });
}
