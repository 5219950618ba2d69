import { vendorErrorPaths } from '../../../src/kit/index.js';
import type { DataRecord, FlowError } from '../../../src/sdk/index.js';
import { crmErrors } from './error-codes.js';

/** The CRM's error body, `{ "error": { "code", "message", "field"? } }`, read into the kit's messages. */
export const crmApiErrors = vendorErrorPaths({ code: 'error.code', message: 'error.message' });

/** One failed result of a batch upsert, as the CRM answers it. */
export interface CrmRecordError {
  readonly code: string;
  readonly message: string;
  readonly field?: string | undefined;
}

/** The FlowError (kind record) of a contact the CRM refused: its code mapped to the connector's own. */
export function contactRejection(record: DataRecord, error: CrmRecordError): FlowError {
  const said = `the CRM refused contact ${record.meta.id}: ${error.code}: ${error.message}`;
  const where = { where: record.meta.position ?? record.meta.id, ...(error.field ? { field: error.field } : {}) };
  switch (error.code) {
    case 'INVALID_FIELD':
      return crmErrors.fail('CRM_INVALID_CONTACT', said, where);
    case 'AMBIGUOUS':
      return crmErrors.fail('CRM_DUPLICATE_EMAIL', said, where);
    default:
      return crmErrors.fail('CRM_REJECTED', said, where);
  }
}
