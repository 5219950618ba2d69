import cliProgress from 'cli-progress';
import type { RunProgress } from '../engine/index.js';
import { progressEstimate } from './progress-estimate.js';

export interface ProgressDisplay {
  update(p: RunProgress): void;
  stop(): void;
}

function rate(p: RunProgress): number {
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
        bar.update(0, {
          percent: percent === '' ? '' : `${percent} | `,
          eta: eta === '' ? '' : ` | ${eta}`,
          records: p.counts.read.toLocaleString('en-US'),
          rate: rate(p).toLocaleString('en-US'),
          pages: p.pages,
          errors: p.counts.failed,
          elapsed: (p.elapsedMs / 1000).toFixed(1),
          spinner: spin[tick % spin.length],
        });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      if (p.status === 'running' && p.elapsedMs - last < 5000) return;
      last = p.elapsedMs;
      if (p.status !== 'running') return;
      const { percent, eta } = progressEstimate(p);
      const where = percent === '' ? '' : ` ${percent}${eta === '' ? '' : `, ${eta}`},`;
      stream.write(
        `${flow}:${where} ${p.counts.read} records, ${rate(p)} rec/s, ${p.pages} pages, ${p.counts.failed} errors\n`,
      );
    },
    stop() {},
  };
}
