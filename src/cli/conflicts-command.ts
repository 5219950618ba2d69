import {
  type ConflictFilter,
  type ConflictRow,
  type ConflictStatus,
  matchCandidates,
  type ShownConflict,
  type SyncInfo,
} from '../app/index.js';
import { FlowError } from '../sdk/index.js';
import type { CliRedaction } from './cli-redaction.js';
import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';
import { cell, changed, maskNote, parseId, printer, printJson, runLine, when } from './sync-format.js';

/** The filters `conflicts list` and `conflicts resolve --all` share. */
export interface ConflictFilterOptions {
  field?: string;
  status?: string;
  kind?: string;
  record?: string;
}

export interface ConflictsOptions extends ConflictFilterOptions {
  db?: string;
  file?: string;
  unmask?: boolean;
  redaction?: CliRedaction;
}

const statuses: readonly ConflictStatus[] = ['open', 'resolved', 'applied', 'cleared'];

export function toConflictFilter(sync: string | undefined, o: ConflictFilterOptions): ConflictFilter {
  if (o.status !== undefined && !statuses.includes(o.status as ConflictStatus))
    throw new FlowError('CONFIG_INVALID', `unknown conflict status "${o.status}"`, {
      hint: `use one of: ${statuses.join(', ')}`,
    });
  if (o.kind !== undefined && o.kind !== 'field' && o.kind !== 'match')
    throw new FlowError('CONFIG_INVALID', `unknown conflict kind "${o.kind}"`, { hint: 'use field or match' });
  return {
    ...(sync ? { sync } : {}),
    ...(o.status ? { status: o.status as ConflictStatus } : {}),
    ...(o.kind ? { kind: o.kind as 'field' | 'match' } : {}),
    ...(o.field ? { field: o.field } : {}),
    ...(o.record ? { record: o.record } : {}),
  };
}

/** The filter in words: `sync=customers status=open field=email`. */
export function describeConflictFilter(f: ConflictFilter): string {
  const parts = (['sync', 'status', 'kind', 'field', 'record'] as const)
    .filter((k) => f[k] !== undefined)
    .map((k) => `${k}=${String(f[k])}`);
  return parts.length > 0 ? parts.join(' ') : 'no filter';
}

/** The record of a conflict: `crm 17 ↔ erp C-17` (one side only for a match conflict). */
function recordText(c: ConflictRow, s: SyncInfo | undefined): string {
  const a = c.aId === null ? '' : `${s?.labels.a ?? 'a'} ${c.aId}`;
  const b = c.bId === null ? '' : `${s?.labels.b ?? 'b'} ${c.bId}`;
  return [a, b].filter((x) => x !== '').join(' ↔ ');
}

/** The options of `syncline conflicts list`. */
export type ConflictsListOptions = ConflictsOptions & { limit: number; after?: string; json?: boolean };

/** `syncline conflicts list [sync]`: conflicts oldest first (default: the open ones), cursor paging with --after. */
export async function conflictsList(sync: string | undefined, o: ConflictsListOptions): Promise<number> {
  const filter: ConflictFilter = { status: 'open', ...toConflictFilter(sync, o) };
  const print = printer(o.redaction);
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const { conflicts, total, syncs } = await app.syncs.conflicts.list(
      { ...filter, limit: o.limit, ...(o.after ? { afterId: parseId(o.after, 'conflict id') } : {}) },
      { file: o.file, unmask: o.unmask },
    );
    if (o.json) {
      printJson(conflicts, o.redaction);
      return 0;
    }
    if (conflicts.length === 0) {
      print(`no conflicts match (${describeConflictFilter(filter)})\n`);
      return 0;
    }
    const rows = conflicts.map((c) => {
      const s = syncs[c.sync];
      return [
        c.id,
        c.sync,
        c.kind,
        c.field ?? '-',
        recordText(c, s),
        c.kind === 'field' ? cell(c.base, 20) : '-',
        c.kind === 'field' ? `${s?.labels.a ?? 'a'}: ${cell(c.aValue, 24)}` : `${countCandidates(c)} candidates`,
        c.kind === 'field' ? `${s?.labels.b ?? 'b'}: ${cell(c.bValue, 24)}` : '',
        c.status,
        when(c.createdAt),
      ];
    });
    print(
      `${formatTable(['id', 'sync', 'kind', 'field', 'record', 'base', 'side a', 'side b', 'status', 'opened (UTC)'], rows)}\n`,
    );
    const last = conflicts.at(-1);
    const more = total > conflicts.length && last ? `; next page: --after ${last.id}` : '';
    print(`${conflicts.length} of ${total} shown${more}; details: syncline conflicts show <id>\n`);
    const one = Object.values(syncs)[0];
    if (Object.keys(syncs).length === 1 && one) print(maskNote(one, o.unmask));
    return 0;
  });
}

const countCandidates = (c: ConflictRow) => matchCandidates(c).length;

/** A conflict for people: base, side a and side b side by side (a match conflict: its candidates). */
export function formatConflict({ conflict: c, sync, names }: ShownConflict): string {
  const { a, b } = sync.labels;
  const lines = [
    `conflict ${c.id} (${c.status}) of sync ${c.sync}: ${c.kind === 'field' ? `field ${c.field}` : 'ambiguous match'}`,
    `  record: ${recordText(c, sync) || '-'}${c.linkId === null ? '' : `   link ${c.linkId}`}${c.runId === null ? '' : `   run ${c.runId}`}   opened ${when(c.createdAt)} UTC`,
  ];
  if (c.kind === 'field') {
    const field =
      names && (names.a !== c.field || names.b !== c.field) ? `${c.field} (${names.a} / ${names.b})` : c.field;
    const table = formatTable(
      ['field', 'base (last synced)', a, b],
      [
        [field ?? '-', cell(c.base, 60), cell(c.aValue, 60), cell(c.bValue, 60)],
        ['changed at', '', changed(c.aChangedAt), changed(c.bChangedAt)],
      ],
    );
    lines.push('', ...table.split('\n').map((l) => `  ${l}`));
  } else {
    // the record first (as the conflict keeps it), then the candidates on the other side
    const rows = (Array.isArray(c.candidates) ? c.candidates : []).map((x, i) => {
      const o = x !== null && typeof x === 'object' && !Array.isArray(x) ? x : {};
      const side = o.side === 'b' ? b : a;
      return [i === 0 ? 'record' : 'candidate', side, cell(o.rid ?? null, 30), cell(o.values ?? null, 80)];
    });
    lines.push(
      '',
      ...formatTable(['', 'side', 'key', 'values'], rows)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  if (c.resolution) {
    const r = c.resolution;
    const what =
      r.take === 'a' || r.take === 'b'
        ? `take ${r.take === 'a' ? a : b}'s value`
        : r.take === 'value'
          ? `write ${cell(r.value ?? null, 60)} to both sides`
          : r.take === 'pair'
            ? `pair with ${r.pairWith ?? '?'}`
            : 'keep the records separate';
    lines.push('', `  resolution: ${what}${r.by ? ` (by ${r.by})` : ''}${c.note ? `; note: ${c.note}` : ''}`);
    if (c.status === 'resolved') lines.push(`  applied by the next run: ${runLine(sync)}`);
  } else if (c.status === 'open') {
    const how =
      c.kind === 'field'
        ? `syncline conflicts resolve ${c.id} --take a|b (or --take value --value <json>)`
        : `syncline conflicts resolve ${c.id} --pair <record> | --separate`;
    lines.push('', `  resolve: ${how}`);
  }
  return lines.join('\n');
}

/** `syncline conflicts show <id>`. */
export async function conflictsShow(
  id: string,
  o: { db?: string; json?: boolean; file?: string; unmask?: boolean; redaction?: CliRedaction },
): Promise<number> {
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const shown = await app.syncs.conflicts.show(parseId(id, 'conflict id'), { file: o.file, unmask: o.unmask });
    if (o.json) printJson({ ...shown.conflict, labels: shown.sync.labels, names: shown.names }, o.redaction);
    else printer(o.redaction)(`${formatConflict(shown)}\n${maskNote(shown.sync, o.unmask)}`);
    return 0;
  });
}
