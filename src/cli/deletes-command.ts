import type { DeleteTarget, LinkRow, SyncInfo } from '../app/index.js';
import { FlowError } from '../sdk/index.js';
import type { CliRedaction } from './cli-redaction.js';
import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';
import { cell, maskNote, parseId, printer, printJson, runLine, when } from './sync-format.js';

export interface DeletesOptions {
  db?: string;
  file?: string;
  redaction?: CliRedaction;
}

/** Pending deletes as a table: which side deleted the record, the pair on the other side, since when. */
function deletesTable(links: readonly LinkRow[], s: SyncInfo): string {
  const rows = links.map((l) => {
    const on = l.deletedOn === 'b' ? 'b' : 'a';
    const other = on === 'a' ? 'b' : 'a';
    return [
      l.id,
      `${s.labels[on]} ${(on === 'a' ? l.aId : l.bId) ?? '-'}`,
      `${s.labels[other]} ${(other === 'a' ? l.aId : l.bId) ?? '-'}`,
      when(l.updatedAt),
      cell(on === 'a' ? l.baseA : l.baseB, 48),
    ];
  });
  return formatTable(
    ['link', 'deleted on', 'its pair (deleted if approved)', 'since (UTC)', 'last synced values'],
    rows,
  );
}

/** `syncline deletes <sync>`: the deletes held for review (delete policy `review`). */
export async function deletesList(
  sync: string,
  o: DeletesOptions & { limit: number; after?: string; json?: boolean; unmask?: boolean },
): Promise<number> {
  const print = printer(o.redaction);
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const {
      links,
      total,
      sync: info,
    } = await app.syncs.deletes.list(
      sync,
      { limit: o.limit, ...(o.after ? { afterId: parseId(o.after, 'link id') } : {}) },
      { file: o.file, unmask: o.unmask },
    );
    if (o.json) {
      printJson(links, o.redaction);
      return 0;
    }
    if (links.length === 0) {
      print(`no deletes of sync ${sync} wait for review\n`);
      return 0;
    }
    const last = links.at(-1);
    const more = total > links.length && last ? `; next page: --after ${last.id}` : '';
    print(`${deletesTable(links, info)}\n${links.length} of ${total} shown${more}\n${maskNote(info, o.unmask)}`);
    print(
      `approve (the next run deletes the pair on the other side): syncline deletes approve ${sync} <link-id…> | --all\n` +
        `ignore (nothing is deleted, the pair stays linked):       syncline deletes ignore ${sync} <link-id…> | --all\n`,
    );
    return 0;
  });
}

function targetOf(ids: readonly string[], all: boolean | undefined, verb: string): DeleteTarget {
  if (all && ids.length > 0) throw new FlowError('CONFIG_INVALID', 'give link ids or --all, not both');
  if (all) return { all: true };
  if (ids.length === 0)
    throw new FlowError('CONFIG_INVALID', `name the pending deletes to ${verb}`, {
      hint: 'give their link ids (syncline deletes <sync> lists them), or --all',
    });
  return { ids: ids.map((t) => parseId(t, 'link id')) };
}

/**
 * `syncline deletes approve|ignore <sync> <link-id…> | --all`: with --all, prints how many first and
 * asks for --yes when more than one.
 */
export async function deletesDecide(
  verb: 'approve' | 'ignore',
  sync: string,
  ids: readonly string[],
  o: DeletesOptions & { all?: boolean; yes?: boolean },
): Promise<number> {
  const target = targetOf(ids, o.all, verb);
  const print = printer(o.redaction);
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const info = await app.syncs.lookup.find(sync, o.file);
    let chosen = target;
    if ('all' in target) {
      const selected = await app.syncs.deletes.select(sync, target);
      if (selected.length === 0) {
        print(`no deletes of sync ${sync} wait for review; nothing to ${verb}\n`);
        return 0;
      }
      print(`${selected.length} pending delete${selected.length === 1 ? '' : 's'} of sync ${sync}\n`);
      if (selected.length > 1 && !o.yes) {
        print(`nothing done yet: add --yes to ${verb} all ${selected.length}\n`);
        return 1;
      }
      chosen = { ids: selected.map((l) => l.id) };
    }
    const done =
      verb === 'approve'
        ? await app.syncs.deletes.approve(sync, chosen, o.file)
        : await app.syncs.deletes.ignore(sync, chosen, o.file);
    for (const l of done.length <= 20 ? done : []) {
      const on = l.deletedOn === 'b' ? 'b' : 'a';
      const other = on === 'a' ? 'b' : 'a';
      const otherId = other === 'a' ? l.aId : l.bId;
      print(
        verb === 'approve'
          ? `link ${l.id}: delete approved: the next run deletes ${info.labels[other]} ${otherId ?? '-'}\n`
          : `link ${l.id}: delete ignored: ${info.labels[other]} ${otherId ?? '-'} stays, the pair is linked again\n`,
      );
    }
    if (done.length > 20) print(`${done.length} pending deletes ${verb === 'approve' ? 'approved' : 'ignored'}\n`);
    if (verb === 'approve') print(`the next run of sync ${sync} propagates them: ${runLine(info)}\n`);
    return 0;
  });
}
