import type { ProjectDefinition } from '../app/index.js';

type Sync = NonNullable<ProjectDefinition['syncs']>[string];

/** `crm customers (db.table)`: a side by its label, what it reads, and the type. */
function side(s: Sync['a']): string {
  const config = s.source.config as { table?: unknown } | null;
  const table = typeof config?.table === 'string' ? ` ${config.table}` : '';
  return `${s.label}${table} (${s.source.type})`;
}

function syncLine(s: Sync): string {
  const parts = [`${s.fields.length} field${s.fields.length === 1 ? '' : 's'}`];
  if (s.match) parts.push(`match ${s.match.fields.join(', ')}`);
  parts.push(`conflicts ${s.conflicts.policy}`, `deletes ${s.deletes.policy}`);
  return `  ${s.name} (sync): ${side(s.a)} ⇄ ${side(s.b)}, ${parts.join(', ')}${s.schedule ? `  [${s.schedule}]` : ''}`;
}

/** What `syncline validate` prints for a valid file: counts, then one line per flow and per sync. */
export function validSummary(file: string, project: ProjectDefinition, connect: boolean): string {
  const flows = Object.values(project.flows);
  const syncs = Object.values(project.syncs ?? {});
  const counts = [`${flows.length} flows`, ...(syncs.length > 0 ? [`${syncs.length} syncs`] : [])];
  const lines = [
    `${file}: valid — ${Object.keys(project.connections).length} connections${connect ? ' (each one used opened and checked)' : ''}, ${counts.join(', ')}`,
  ];
  for (const f of flows) {
    const dests = f.destinations.map((d) => `${d.name} (${d.type})`).join(', ');
    lines.push(
      `  ${f.name}: ${f.source.type} → ${f.steps.map((s) => s.name).join(' → ') || '(no steps)'} → ${dests}${f.schedule ? `  [${f.schedule}]` : ''}`,
    );
  }
  for (const s of syncs) lines.push(syncLine(s));
  return `${lines.join('\n')}\n`;
}
