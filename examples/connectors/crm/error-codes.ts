import { defineErrors } from '../../../src/sdk/index.js';

/**
 * The crm connector's own error codes: stable names a user can look up in docs/errors.md, each with
 * its kind (the policy: `record` → error store, the run goes on) and what to do about it. `defineErrors`
 * gives the typed factory `crmErrors.fail(code, message, options)`: a misspelt code does not compile, and
 * each error gets its code's kind and fix (as hint).
 */
export const crmErrors = defineErrors('examples/connectors/crm', {
  CRM_INVALID_CONTACT: {
    kind: 'record',
    summary: 'The CRM refused a contact because a field is missing or malformed (its INVALID_FIELD).',
    fix: 'Correct the field the message names (an email such as ann@example.com, a non-empty name), then retry the error record.',
  },
  CRM_DUPLICATE_EMAIL: {
    kind: 'record',
    summary: 'Several CRM contacts have the email of the record, so the upsert cannot tell which one to change.',
    fix: 'Merge the duplicate contacts in the CRM, then retry the error record.',
  },
  CRM_REJECTED: {
    kind: 'record',
    summary: 'The CRM refused a contact for a reason the connector does not know; the message quotes its code.',
    fix: "Correct the record as the CRM's message says, then retry the error record.",
  },
  CRM_RESULTS_MISMATCH: {
    kind: 'system',
    summary:
      "The CRM's batch answer does not hold one result per contact sent, so which contacts were written is unknown (the page is not committed).",
    fix: 'Report it with the message: the CRM answered outside its documented shape.',
  },
  CRM_BAD_CHECKPOINT: {
    kind: 'config',
    summary: 'The checkpoint a crm.contacts read resumes from was not written by a crm.contacts read.',
    fix: 'Run the flow from the start (ignoring its checkpoint): the checkpoint belongs to another source type.',
    next: [{ action: 'flows.run', fromStart: true }],
  },
});
