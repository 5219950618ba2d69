import type { SyncDefinition } from './definition.js';

/**
 * A sync's `pii:` paths in one side's own field names: a path naming a sync field (`email`) or either
 * side's name for it (`mail`) also names that field on this side (its first segment mapped, the rest
 * kept); any other path is kept as it is.
 */
export function syncSidePiiPaths(def: Pick<SyncDefinition, 'pii' | 'fields'>, side: 'a' | 'b'): string[] {
  const out = new Set<string>();
  for (const path of def.pii ?? []) {
    out.add(path);
    const [head, ...rest] = path.split('.');
    const field = def.fields.find((f) => f.name === head || f.a === head || f.b === head);
    if (field) out.add([field[side], ...rest].join('.'));
  }
  return [...out];
}

/** The pii paths of both sides (a payload of either side is masked by them: error records, staged errors). */
export function syncPiiPaths(def: Pick<SyncDefinition, 'pii' | 'fields'>): string[] {
  return [...new Set([...syncSidePiiPaths(def, 'a'), ...syncSidePiiPaths(def, 'b')])];
}
