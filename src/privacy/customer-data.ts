// Everything held about one customer of a business, gathered for their right of
// access: the database rows (their merged rows included) and the Temporal
// executions that handled them. Used by `npm run customer -- export`; the
// console can serve the same document.
import type { Client } from '@temporalio/client';
import type { CalendarAccess } from '../calendar/google-calendar';
import type { Database } from '../db/client';
import { findBusinessByNumber, findCustomerRows, loadCustomerRecords, workflowIdsOfMessages, type CustomerRecords } from '../db/customer-records';
import { findCustomerWorkflows, type CustomerWorkflow } from './customer-workflows';

export interface PrivacyDependencies {
  db: Database;
  temporal: Client;
  /** How the worker opens a business's calendar: erasing rewrites the customer's events through it. */
  calendarAccess: CalendarAccess;
}

/** The business or the customer named in a request does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export interface CustomerExport extends CustomerRecords {
  exportedAt: string;
  business: { id: string; name: string; phoneNumberId: string };
  workflows: CustomerWorkflow[];
}

/** The business of a phone_number_id and the rows of the customer it knows by a wa_id or BSUID; undefined rows when it knows none. */
export async function findCustomer(
  db: Database,
  phoneNumberId: string,
  identifier: string,
): Promise<{ business: { id: string; name: string; phoneNumberId: string }; customerIds: string[] | undefined }> {
  const business = await findBusinessByNumber(db, phoneNumberId);
  if (!business) throw new NotFoundError(`No business has phone_number_id ${phoneNumberId}`);
  return { business, customerIds: await findCustomerRows(db, business.id, identifier) };
}

export async function exportCustomer(
  { db, temporal }: Pick<PrivacyDependencies, 'db' | 'temporal'>,
  phoneNumberId: string,
  identifier: string,
): Promise<CustomerExport> {
  const { business, customerIds } = await findCustomer(db, phoneNumberId, identifier);
  if (!customerIds) throw new NotFoundError(`Business ${phoneNumberId} has no customer with that wa_id or BSUID`);
  const records = await loadCustomerRecords(db, business.id, customerIds);
  const workflows = await findCustomerWorkflows(temporal, {
    businessId: business.id,
    customerIds,
    messageWorkflowIds: await workflowIdsOfMessages(db, customerIds),
    appointmentIds: records.appointments.map((a) => a.id),
  });
  return { exportedAt: new Date().toISOString(), business, ...records, workflows };
}
