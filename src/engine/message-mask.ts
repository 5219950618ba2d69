import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { type JsonObject, noRedaction, type Redactor } from '../sdk/index.js';
import { maskValuesInText, piiValues, rawValues } from '../security/index.js';

/** Masks what the engine writes to the store and sends in notifications: secrets always, a record's PII too. */
export interface MessageMask {
  /** Secrets masked (run errors, notes). */
  text(text: string): string;
  /**
   * Secrets and the record's PII masked: the values at the flow's `pii` paths and, for a line the
   * source could not read (`malformed`), every word of it, as its fields cannot be told apart.
   */
  record(text: string, data: JsonObject, malformed?: string): string;
}

export const noMask: MessageMask = { text: (t) => t, record: (t) => t };

export function createMessageMask(redactor: Redactor, pii: readonly string[]): MessageMask {
  const text = (t: string) => redactor.redact(t);
  if (pii.length === 0) return redactor === noRedaction ? noMask : { text, record: text };
  return {
    text,
    record(t, data, malformed) {
      const values = piiValues(data, pii);
      if (malformed !== undefined) values.push(...rawValues(malformed));
      return redactor.redact(maskValuesInText(t, values));
    },
  };
}

/** The mask of a flow (or sync) of a project: the project's redactor (built when it was loaded) and its `pii` paths. */
export function flowMessageMask(project: ProjectDefinition, flow: Pick<FlowDefinition, 'pii'>): MessageMask {
  return createMessageMask(project.redactor ?? noRedaction, flow.pii ?? []);
}
