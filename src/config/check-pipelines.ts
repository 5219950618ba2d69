import type { FlowDefinition } from './definition.js';
import type { ParseContext } from './parse-context.js';
import { formatPath, type PathKey } from './yaml-locator.js';

/**
 * Pipelines (`next:`): every named flow exists and reads this one (`source: { flow: <this> }`), every
 * stage source names a flow whose `next:` includes it, and no chain comes back to where it started.
 * All of it is reported before anything runs.
 */
export function checkPipelines(
  flows: Readonly<Record<string, FlowDefinition>>,
  ctx: ParseContext,
  /** Every flow the file declares: when only some are checked (`run <file> <flow>`), the others still exist. */
  declared: readonly string[] = Object.keys(flows),
): void {
  const names = declared;
  const exists = new Set(declared);
  const at = (path: readonly PathKey[]) => ctx.locator.at(path);
  for (const flow of Object.values(flows)) {
    (flow.next ?? []).forEach((target, i) => {
      // the list item, or the value itself when `next:` names one flow (the locator falls back to it)
      const item: PathKey[] = ['flows', flow.name, 'next', i];
      const named = (flow.next?.length ?? 0) > 1 ? item : item.slice(0, -1);
      const stage = flows[target];
      if (!stage && exists.has(target)) return; // declared, not checked this time
      if (!stage) {
        ctx.problems.add(
          'CONFIG_INVALID',
          at(item),
          `${formatPath(named)}: no flow named "${target}"`,
          `Flows in this file: ${names.join(', ')}.`,
        );
      } else if (stage.source.upstream !== flow.name) {
        ctx.problems.add(
          'CONFIG_INVALID',
          at(['flows', target, 'source']),
          `flows.${target}.source: flow ${flow.name} hands its records on to ${target} (next), but ${target} reads ${stage.source.upstream ? `flow ${stage.source.upstream}` : `${stage.source.type}`}`,
          `Give ${target} the source \`source: { flow: ${flow.name} }\`, or remove ${target} from ${flow.name}'s next.`,
        );
      }
    });
    const upstream = flow.source.upstream;
    if (upstream !== undefined) {
      const from = flows[upstream];
      const path = ['flows', flow.name, 'source', 'flow'];
      if (!from && !exists.has(upstream)) {
        ctx.problems.add(
          'CONFIG_INVALID',
          at(path),
          `${formatPath(path)}: no flow named "${upstream}"`,
          `Flows in this file: ${names.join(', ')}.`,
        );
      } else if (from && !(from.next ?? []).includes(flow.name)) {
        ctx.problems.add(
          'CONFIG_INVALID',
          at(path),
          `${formatPath(path)}: flow ${upstream} does not hand its records on to ${flow.name}`,
          `Add \`next: ${flow.name}\` to flow ${upstream}.`,
        );
      }
    }
  }
  // cycles: follow next from every flow; a flow whose every chain was followed to its end is not
  // followed again (without this, long chains cost the square of their length)
  const reported = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, trail: string[], onTrail: Set<string>): void => {
    if (onTrail.has(name)) {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...cycle].slice(0, -1).sort().join(' ');
      if (reported.has(key)) return;
      reported.add(key);
      const first = cycle[0] as string;
      ctx.problems.add(
        'CONFIG_PIPELINE_CYCLE',
        at(['flows', first, 'next']),
        `flows.${first}.next: the pipeline comes back to where it started: ${cycle.join(' → ')}`,
        'A pipeline runs each stage after the one before it; remove one of these `next:` links so the chain has an end.',
      );
      return;
    }
    if (done.has(name)) return;
    trail.push(name);
    onTrail.add(name);
    for (const target of flows[name]?.next ?? []) if (flows[target]) visit(target, trail, onTrail);
    trail.pop();
    onTrail.delete(name);
    done.add(name);
  };
  for (const name of names) visit(name, [], new Set());
}
