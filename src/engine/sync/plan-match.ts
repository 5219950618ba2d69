import type { StagedChange } from '../../store/sync-store.js';
import type { CompiledSync, MatchPlan } from './sync-plan-types.js';

/**
 * Sorts unlinked staged changes by their match key (computed when staged), never guessing:
 * - one record on each side → a pair (linked, then planned with no base);
 * - records on one side only (one, or several duplicates with nothing to pair with), or no key → creates;
 * - any other mix (one against several, several against several) → ambiguous: each record of the
 *   smaller side (every record, when both sides have several) with the other side's records as its
 *   candidates. A record named only as a candidate is neither paired nor created: it waits, staged, for
 *   the conflict's resolution.
 * Creates come out in staging order (`seq`); pairs and ambiguities in the order of their key's first change.
 */
export function planMatch(_sync: CompiledSync, changes: readonly StagedChange[]): MatchPlan {
  const pairs: { a: StagedChange; b: StagedChange }[] = [];
  const creates: StagedChange[] = [];
  const ambiguous: { record: StagedChange; candidates: StagedChange[] }[] = [];
  const groups = new Map<string, { a: StagedChange[]; b: StagedChange[] }>();
  for (const change of changes) {
    if (change.matchKey === null) {
      creates.push(change);
      continue;
    }
    const group = groups.get(change.matchKey) ?? { a: [], b: [] };
    if (group.a.length + group.b.length === 0) groups.set(change.matchKey, group);
    group[change.side].push(change);
  }
  for (const { a, b } of groups.values()) {
    const [firstA] = a;
    const [firstB] = b;
    if (a.length === 1 && b.length === 1 && firstA !== undefined && firstB !== undefined)
      pairs.push({ a: firstA, b: firstB });
    else if (a.length === 0 || b.length === 0) creates.push(...a, ...b);
    else {
      if (a.length <= b.length || b.length > 1) for (const record of a) ambiguous.push({ record, candidates: b });
      if (b.length < a.length || a.length > 1) for (const record of b) ambiguous.push({ record, candidates: a });
    }
  }
  creates.sort((x, y) => x.seq - y.seq);
  return { pairs, creates, ambiguous };
}
