import type { Json } from '../../../src/sdk/index.js';
import { crmErrors } from './error-codes.js';

/**
 * Where a crm.contacts read stands after a page: the CRM's cursor of the next page, or `done` after
 * the last one (a run resumed from it reads nothing more). Plain JSON, so the store keeps it as is.
 */
export type ContactsCheckpoint = { readonly cursor: string } | { readonly done: true };

/** A stored checkpoint read back; anything else fails with CRM_BAD_CHECKPOINT. */
export function readContactsCheckpoint(from: Json, where: string): ContactsCheckpoint {
  if (typeof from === 'object' && from !== null && !Array.isArray(from)) {
    if (typeof from['cursor'] === 'string' && from['cursor'] !== '') return { cursor: from['cursor'] };
    if (from['done'] === true) return { done: true };
  }
  throw crmErrors.fail(
    'CRM_BAD_CHECKPOINT',
    `checkpoint ${JSON.stringify(from).slice(0, 200)} is not a crm.contacts position`,
    {
      where,
    },
  );
}
