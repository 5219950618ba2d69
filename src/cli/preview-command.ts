import type { PreviewRow } from '../app/index.js';
import type { JsonObject } from '../sdk/index.js';
import type { CliRedaction } from './cli-redaction.js';
import { withApp } from './open-app.js';

function fields(data: JsonObject | null): [string, string][] {
  if (!data) return [];
  return Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** One record as two columns: input fields beside output fields, then its fate. */
export function formatPreviewRow(row: PreviewRow, n: number): string {
  const left = fields(row.input);
  const right = fields(row.output);
  const lw = Math.min(24, Math.max(5, ...left.map(([k]) => k.length)));
  const lv = Math.min(30, Math.max(5, ...left.map(([, v]) => v.length)));
  const rw = Math.min(24, Math.max(6, ...right.map(([k]) => k.length)));
  const lines = [`#${n} ${row.id}${row.position ? ` (${row.position})` : ''}`];
  lines.push(`  ${'input'.padEnd(lw + lv + 2)}  │ output`);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const [lk = '', lval = ''] = left[i] ?? [];
    const [rk = '', rval = ''] = right[i] ?? [];
    lines.push(
      `  ${clip(lk, lw).padEnd(lw)}  ${clip(lval, lv).padEnd(lv)}  │ ${clip(rk, rw).padEnd(rw)}  ${clip(rval, 60)}`.trimEnd(),
    );
  }
  if (row.droppedBy) lines.push(`  → dropped by step ${row.droppedBy}`);
  if (row.input === null && row.output)
    lines.push('  → made by a step from several input records (e.g. an aggregate group)');
  if (row.error) {
    const field = row.error.field ? ` (field ${row.error.field})` : '';
    lines.push(`  → error at ${row.error.stage} [${row.error.code}]${field}: ${row.error.message}`);
    if (row.error.hint) lines.push(`    hint: ${row.error.hint}`);
  }
  return lines.join('\n');
}

/** `syncline preview <file> <flow> [--limit N]`: the first N records through the steps, nothing written. */
export async function previewCommand(
  file: string,
  flow: string,
  options: { db?: string; limit: number; json?: boolean; redaction?: CliRedaction },
): Promise<number> {
  const print = (text: string) => process.stdout.write(options.redaction?.redact(text) ?? text);
  return withApp({ db: options.db, file }, { redaction: options.redaction }, async (app) => {
    const result = await app.preview.flow(file, flow, options.limit);
    if (options.json) {
      print(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const out = result.rows.map((r, i) => formatPreviewRow(r, i + 1));
    const kept = result.rows.filter((r) => r.output).length;
    const made = result.rows.filter((r) => r.input === null && r.output).length;
    const failed = result.rows.filter((r) => r.error).length;
    const dropped = result.rows.filter((r) => r.droppedBy).length;
    out.push(
      `preview of flow "${flow}": ${result.rows.length - made} records read, ${kept} would be written${made > 0 ? ` (${made} made by steps from several records)` : ''}, ${dropped} filtered out, ${failed} errors (nothing was written)`,
    );
    print(`${out.join('\n\n')}\n`);
    return 0;
  });
}
