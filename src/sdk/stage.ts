import { FlowError } from './errors.js';

/**
 * Where in a flow a record failed, from the step that fails it to the error store, the notices and
 * the CLI: the source (it could not be read), the source's delta check, a step (by name and its
 * index in the flow's steps), or a destination.
 */
export type Stage =
  | { readonly kind: 'source' }
  | { readonly kind: 'delta' }
  | { readonly kind: 'step'; readonly name: string; readonly index: number }
  | { readonly kind: 'destination'; readonly name: string };

/** A stage as people name it (`--stage step:map`): a step by its name, without its index. Filters take it. */
export type StageName =
  | { readonly kind: 'source' }
  | { readonly kind: 'delta' }
  | { readonly kind: 'step'; readonly name: string }
  | { readonly kind: 'destination'; readonly name: string };

/**
 * The one text form of a stage, as it is shown, sent in notifications and kept in the store's
 * `stage` column: `source`, `delta`, `step:<name>`, `destination:<name>`.
 */
export function stageText(stage: StageName): string {
  switch (stage.kind) {
    case 'source':
    case 'delta':
      return stage.kind;
    case 'step':
      return `step:${stage.name}`;
    case 'destination':
      return `destination:${stage.name}`;
  }
}

/** Reads the text form back (the inverse of `stageText`); undefined for a text that names no stage. */
export function parseStageName(text: string): StageName | undefined {
  if (text === 'source' || text === 'delta') return { kind: text };
  const colon = text.indexOf(':');
  const name = text.slice(colon + 1);
  if (colon < 0 || name === '') return undefined;
  const kind = text.slice(0, colon);
  if (kind === 'step' || kind === 'destination') return { kind, name };
  return undefined;
}

/** `--stage <text>`: the stage it names, or CONFIG_INVALID saying which forms there are. */
export function stageNameOption(text: string): StageName {
  const stage = parseStageName(text);
  if (stage) return stage;
  throw new FlowError('CONFIG_INVALID', `"${text}" names no stage`, {
    hint: 'a stage is source, delta, step:<name> or destination:<name>',
  });
}

/** Whether two stages are the same place in the flow (a step by name: its index follows from it). */
export function sameStage(a: StageName, b: StageName): boolean {
  return stageText(a) === stageText(b);
}
