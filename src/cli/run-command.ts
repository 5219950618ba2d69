import type { RunRow, SyncDefinition } from '../app/index.js';
import type { CliRedaction } from './cli-redaction.js';
import { openApp } from './open-app.js';
import { createProgressDisplay } from './progress-display.js';
import { runSummary } from './run-summary.js';
import { pipelineFlows, watchRuns } from './watch-runs.js';

export interface RunCommandOptions {
  db?: string;
  fromStart?: boolean;
  /** Delta sync: ignore the watermark this time. */
  full?: boolean;
  json?: boolean;
  /** Override the flow's `errorThreshold:` for this run. */
  maxErrors?: number;
  maxErrorRate?: number;
  /** Masks the file's secrets in logs and output. */
  redaction?: CliRedaction;
}

/** Exit codes: 0 succeeded, 2 completed with errors, 1 failed, 3 paused (a circuit stayed open), 130 canceled. */
export function exitCodeFor(runs: readonly RunRow[]): number {
  if (runs.some((r) => r.status === 'canceled')) return 130;
  if (runs.some((r) => r.status === 'failed')) return 1;
  if (runs.some((r) => r.status === 'paused')) return 3;
  if (runs.some((r) => r.status === 'completed_with_errors')) return 2;
  return 0;
}

/** A sync's side labels for its run summary (undefined for a flow). */
const sideLabels = (sync: SyncDefinition | undefined) => (sync ? { a: sync.a.label, b: sync.b.label } : undefined);

/**
 * `syncline run <file> [flow|sync]`: runs one flow or sync, or every flow then every sync of the file in
 * order. Ctrl-C cancels cleanly.
 */
export async function runCommand(
  file: string,
  flowName: string | undefined,
  options: RunCommandOptions,
): Promise<number> {
  const app = await openApp({ db: options.db, file }, { redaction: options.redaction });
  const print = (text: string) => process.stdout.write(options.redaction?.redact(text) ?? text);
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\ncanceling: finishing the current page (Ctrl-C again to stop at once)…\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const runs: RunRow[] = [];
  try {
    // one flow: only it and its pipeline are checked (a file of 10,000 flows need not be); its
    // failures reach the file's `notify:` channels (what waits is sent when the app closes)
    const project = await app.projects.load(file, flowName === undefined ? {} : { flows: [flowName] });
    // each flow is a run request; the worker runs it and requests its `next:` stages (src/app/runs.ts).
    // The service logs nothing of them: this command waits for every run and prints it.
    const service = app.runs(project);
    // pipeline stages run after the flow before them; on their own only when named
    const names = flowName
      ? [flowName]
      : [
          ...Object.values(project.flows)
            .filter((f) => f.source.upstream === undefined)
            .map((f) => f.name),
          // then every sync of the file
          ...Object.keys(project.syncs ?? {}),
        ];
    for (const name of names) {
      if (abort.signal.aborted) break;
      // each run of the pipeline: a live display, then its summary as it ends
      const unwatch = watchRuns(app.events, pipelineFlows(project, name), {
        ...(options.json ? {} : { display: (flow: string) => createProgressDisplay(process.stderr, flow) }),
        ended: (run) =>
          print(
            options.json ? `${JSON.stringify(run)}\n` : `${runSummary(run, sideLabels(project.syncs?.[run.flow]))}\n\n`,
          ),
      });
      const chain = await service
        .requestAndWait(
          {
            flow: name,
            trigger: 'cli',
            fromStart: options.fromStart === true,
            full: options.full === true,
            errorThreshold: {
              ...(options.maxErrors === undefined ? {} : { maxErrors: options.maxErrors }),
              ...(options.maxErrorRate === undefined ? {} : { maxErrorRate: options.maxErrorRate }),
            },
          },
          { signal: abort.signal },
        )
        .finally(unwatch);
      runs.push(...chain);
      for (const run of chain) {
        const def = project.flows[run.flow];
        const inPipeline = def?.next !== undefined || def?.source.upstream !== undefined;
        if (options.json || !inPipeline || run.status === 'succeeded' || run.status === 'completed_with_errors')
          continue;
        const after = def?.next?.length ? ` ${def.next.join(', ')} will run once it completes.` : '';
        process.stdout.write(
          `pipeline stopped at stage ${run.flow}; its input waits in the store.${after} Fix the cause, then \`syncline run ${file} ${run.flow}\` goes on from where it failed (the stages before it do not run again).\n\n`,
        );
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await app.close(); // stops the runs service, sends error notifications still waiting, closes the store
  }
  return exitCodeFor(runs);
}
