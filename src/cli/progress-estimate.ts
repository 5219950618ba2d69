import type { RunProgress } from '../app/index.js';

/** `42%` and the time left (`ETA 1m 05s`) when the source tells how far it is; empty otherwise. */
export function progressEstimate(p: RunProgress): { percent: string; eta: string } {
  if (p.fraction === undefined) return { percent: '', eta: '' };
  const percent = `${Math.floor(p.fraction * 100)}%`;
  const done = p.fraction - (p.startFraction ?? 0);
  if (done <= 0 || p.elapsedMs < 1000) return { percent, eta: '' };
  const leftMs = ((1 - p.fraction) * p.elapsedMs) / done;
  return { percent, eta: `ETA ${formatSpan(leftMs)}` };
}

function formatSpan(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
