import cliProgress from 'cli-progress';
import type { RunCounts, RunProgress, RunRow } from '../app/index.js';
import { progressEstimate } from './progress-estimate.js';

/** A live view of one run, fed by its `run.progress` events and ended by its `run.ended`. */
export interface ProgressDisplay {
  update(p: RunProgress): void;
  /** The run ended: shows its final counts and stops. */
  finish(run: RunRow): void;
  stop(): void;
}

function rate(p: { counts: RunCounts; elapsedMs: number }): number {
  return p.elapsedMs > 0 ? Math.round((p.counts.read * 1000) / p.elapsedMs) : 0;
}

/** A live bar on a terminal (records, records/s, pages, errors); plain lines every few seconds otherwise. */
export function createProgressDisplay(stream: NodeJS.WriteStream, flow: string): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${flow} {spinner} {percent}{records} records | {rate} rec/s | {pages} pages | {errors} errors | {elapsed}s{eta}`,
        stream,
        hideCursor: true,
        clearOnComplete: false,
        fps: 8,
      },
      cliProgress.Presets.shades_classic,
    );
    const spin = ['|', '/', '-', '\\'];
    let tick = 0;
    bar.start(0, 0, {
      records: 0,
      rate: 0,
      pages: 0,
      errors: 0,
      elapsed: '0.0',
      spinner: spin[0],
      percent: '',
      eta: '',
    });
    return {
      update(p) {
        tick += 1;
        const { percent, eta } = progressEstimate(p);
        show(p, {
          percent: percent === '' ? '' : `${percent} | `,
          eta: eta === '' ? '' : ` | ${eta}`,
          spinner: spin[tick % spin.length],
        });
      },
      finish(run) {
        const elapsedMs = run.endedAt ? run.endedAt.getTime() - run.startedAt.getTime() : 0;
        show({ counts: run.counts, pages: run.pages, elapsedMs }, { percent: '', eta: '', spinner: ' ' });
        bar.stop();
      },
      stop: () => bar.stop(),
    };
    function show(
      p: { counts: RunCounts; pages: number; elapsedMs: number },
      extra: { percent: string; eta: string; spinner: string | undefined },
    ): void {
      bar.update(0, {
        ...extra,
        records: p.counts.read.toLocaleString('en-US'),
        rate: rate(p).toLocaleString('en-US'),
        pages: p.pages,
        errors: p.counts.failed,
        elapsed: (p.elapsedMs / 1000).toFixed(1),
      });
    }
  }
  let last = 0;
  return {
    update(p) {
      if (p.elapsedMs - last < 5000) return;
      last = p.elapsedMs;
      const { percent, eta } = progressEstimate(p);
      const where = percent === '' ? '' : ` ${percent}${eta === '' ? '' : `, ${eta}`},`;
      stream.write(
        `${flow}:${where} ${p.counts.read} records, ${rate(p)} rec/s, ${p.pages} pages, ${p.counts.failed} errors\n`,
      );
    },
    finish() {},
    stop() {},
  };
}
