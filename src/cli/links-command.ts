import type { LinkRow, LinkStatus, SyncInfo } from '../app/index.js';
import { FlowError } from '../sdk/index.js';
import type { CliRedaction } from './cli-redaction.js';
import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';
import { cell, maskNote, parseId, printer, printJson, runLine, when } from './sync-format.js';

export interface LinksOptions {
  db?: string;
  file?: string;
  redaction?: CliRedaction;
}

const statuses: readonly LinkStatus[] = [
  'linked',
  'pending-create',
  'conflict',
  'pending-delete',
  'delete-approved',
  'error',
];

export function parseLinkStatus(text: string): LinkStatus {
  if (!statuses.includes(text as LinkStatus))
    throw new FlowError('CONFIG_INVALID', `unknown link status "${text}"`, {
      hint: `use one of: ${statuses.join(', ')}`,
    });
  return text as LinkStatus;
}

/** The links of a sync as a table: both keys, status, last synced time and each side's last synced values. */
export function linksTable(links: readonly LinkRow[], sync: SyncInfo): string {
  const { a, b } = sync.labels;
  const rows = links.map((l) => [
    l.id,
    l.aId ?? '(creating)',
    l.bId ?? '(creating)',
    l.status === 'pending-delete' || l.status === 'delete-approved'
      ? `${l.status} (${l.deletedOn === 'b' ? b : a})`
      : l.status,
    when(l.syncedAt),
    cell(l.baseA, 36),
    cell(l.baseB, 36),
  ]);
  return formatTable(['link', `${a} key`, `${b} key`, 'status', 'synced (UTC)', `${a} values`, `${b} values`], rows);
}

/** The options of `syncline links <sync>`. */
export type LinksListOptions = LinksOptions & {
  search?: string;
  status?: string;
  limit: number;
  after?: string;
  json?: boolean;
  unmask?: boolean;
};

/** `syncline links <sync> [--search] [--status] [--limit] [--after]`: the sync's pairs, id order. */
export async function linksList(sync: string, o: LinksListOptions): Promise<number> {
  const print = printer(o.redaction);
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const {
      links,
      total,
      sync: info,
    } = await app.syncs.links.list(
      sync,
      {
        limit: o.limit,
        ...(o.search ? { search: o.search } : {}),
        ...(o.status ? { status: parseLinkStatus(o.status) } : {}),
        ...(o.after ? { afterId: parseId(o.after, 'link id') } : {}),
      },
      { file: o.file, unmask: o.unmask },
    );
    if (o.json) {
      printJson(links, o.redaction);
      return 0;
    }
    if (links.length === 0) {
      const filter = [o.search ? `search=${o.search}` : '', o.status ? `status=${o.status}` : '']
        .filter((x) => x !== '')
        .join(' ');
      print(`no links of sync ${sync} match${filter ? ` (${filter})` : ''}\n`);
      return 0;
    }
    const last = links.at(-1);
    const more = total > links.length && last ? `; next page: --after ${last.id}` : '';
    print(`${linksTable(links, info)}\n${links.length} of ${total} shown${more}\n${maskNote(info, o.unmask)}`);
    return 0;
  });
}

/** `syncline links unlink <sync> <link-id>`: forgets the pair. */
export async function linksUnlink(sync: string, id: string, o: LinksOptions): Promise<number> {
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const info = await app.syncs.lookup.find(sync, o.file);
    const link = await app.syncs.links.unlink(sync, parseId(id, 'link id'), o.file);
    printer(o.redaction)(
      `link ${link.id} removed: ${info.labels.a} ${link.aId ?? '-'} and ${info.labels.b} ${link.bId ?? '-'} are no longer paired.\n` +
        `Both records are treated as new the next time their side reads them: paired again by the match rule, or created on the other side.\n`,
    );
    return 0;
  });
}

/** `syncline links relink <sync> <link-id> --a <key> --b <key>`: pairs two records explicitly. */
export async function linksRelink(
  sync: string,
  id: string,
  o: LinksOptions & { a?: string; b?: string },
): Promise<number> {
  if (o.a === undefined || o.b === undefined)
    throw new FlowError('CONFIG_INVALID', 'relink needs both records: --a <key> --b <key>');
  const keys = { a: o.a, b: o.b };
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const info = await app.syncs.lookup.find(sync, o.file);
    const link = await app.syncs.links.relink(sync, parseId(id, 'link id'), keys, o.file);
    printer(o.redaction)(
      `link ${link.id} now pairs ${info.labels.a} ${link.aId} with ${info.labels.b} ${link.bId}.\n` +
        `Their last synced values are forgotten: the next change of either is compared field by field (the conflict policy decides fields that differ).\n`,
    );
    return 0;
  });
}

/** `syncline links resync <sync> <link-id> [--from a|b]`: the next run re-sends one side's values. */
export async function linksResync(sync: string, id: string, o: LinksOptions & { from?: string }): Promise<number> {
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const info = await app.syncs.lookup.find(sync, o.file);
    // default: the side the conflict policy names as the system of record, else side a
    const policy = info.def?.conflicts.policy;
    const from = o.from ?? (policy === 'b' ? 'b' : 'a');
    if (from !== 'a' && from !== 'b')
      throw new FlowError('CONFIG_INVALID', `--from ${from}: name side a or b`, {
        hint: `a is ${info.labels.a}, b is ${info.labels.b}`,
      });
    const link = await app.syncs.links.resync(sync, parseId(id, 'link id'), from, o.file);
    const to = from === 'a' ? 'b' : 'a';
    printer(o.redaction)(
      `link ${link.id} marked for resync: the next run sends ${info.labels[from]} ${from === 'a' ? link.aId : link.bId}'s values to ${info.labels[to]} ${to === 'a' ? link.aId : link.bId} (every synced field).\n` +
        `Run it: ${runLine(info)}\n`,
    );
    return 0;
  });
}
