import { parseStageName, type Stage, stageText } from '../sdk/index.js';

/**
 * The error store's columns for a stage, the one place they are written and read: `stage` holds its
 * text form (`source`, `delta`, `step:<name>`, `destination:<name>`), `stage_index` the step's index
 * (-1 for every other stage; rows stored before this kept 0 for `delta` and the number of steps for
 * a destination, which nothing reads).
 */
export function stageColumns(stage: Stage): { stage: string; stage_index: number } {
  return { stage: stageText(stage), stage_index: stage.kind === 'step' ? stage.index : -1 };
}

/** The stage of a stored row. A text that names no stage (never written by Syncline) reads as the source. */
export function readStage(text: string, index: number): Stage {
  const named = parseStageName(text) ?? { kind: 'source' };
  return named.kind === 'step' ? { kind: 'step', name: named.name, index } : named;
}
