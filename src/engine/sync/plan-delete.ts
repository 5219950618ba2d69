import type { LinkRow } from '../../store/sync-store.js';
import { type CompiledSync, type DeletePlan, otherSide, type Side } from './sync-plan-types.js';

/**
 * What a record deleted on `deletedOn` does to its pair, by `deletes.policy`: nothing (`ignore`), the
 * other side's flag field set (`flag`; a side with no flag configured is left alone — the config check
 * reports it), the pair deleted on the other side (`propagate`), or the link held for review (`review`).
 */
export function planDelete(sync: CompiledSync, _link: LinkRow, deletedOn: Side): DeletePlan {
  const { deletes } = sync.def;
  const side = otherSide(deletedOn);
  switch (deletes.policy) {
    case 'ignore':
      return { action: 'ignore' };
    case 'flag': {
      const flag = deletes.flag?.[side];
      return flag === undefined ? { action: 'ignore' } : { action: 'flag', side, values: { [flag.field]: flag.value } };
    }
    case 'propagate':
      return { action: 'delete', side };
    case 'review':
      return { action: 'review' };
  }
}
