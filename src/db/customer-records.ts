// Everything the database holds about one customer of a business, read for an
// export and removed for an erasure (src/privacy/). A customer is the live row
// found by wa_id or BSUID plus the rows merged into it (Customer.mergedIntoId).
import { Prisma, type Database } from './client';

export interface CustomerRows {
  business: { id: string; name: string; phoneNumberId: string };
  /** The live row first, then the rows merged into it. */
  customerIds: string[];
}

export function findBusinessByNumber(db: Database, phoneNumberId: string) {
  return db.business.findUnique({ where: { phoneNumberId }, select: { id: true, name: true, phoneNumberId: true } });
}

/** The customer's rows, found by either ID (a wa_id or a BSUID: the caller need not say which); undefined when none matches. */
export async function findCustomerRows(db: Database, businessId: string, identifier: string): Promise<string[] | undefined> {
  const live = await db.customer.findMany({
    where: { businessId, mergedIntoId: null, OR: [{ waId: identifier }, { bsuid: identifier }] },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  if (live.length === 0) return undefined;
  const liveIds = live.map((c) => c.id);
  const merged = await db.customer.findMany({ where: { mergedIntoId: { in: liveIds } }, select: { id: true }, orderBy: { createdAt: 'asc' } });
  return [...liveIds, ...merged.map((c) => c.id)];
}

/** Audit entries of owner changes to these appointments (they carry the customer's name as it was). */
function auditNaming(appointmentIds: string[]): Prisma.Sql {
  return Prisma.sql`action LIKE 'appointment.%' AND (before->>'appointmentId' IN (${Prisma.join(appointmentIds)}) OR after->>'appointmentId' IN (${Prisma.join(appointmentIds)}))`;
}

export async function loadCustomerRecords(db: Database, businessId: string, customerIds: string[]) {
  const mine = { businessId, customerId: { in: customerIds } };
  const [customers, messages, appointments, turns, modelUsage] = await Promise.all([
    db.customer.findMany({ where: { businessId, id: { in: customerIds } }, orderBy: { createdAt: 'asc' } }),
    db.message.findMany({ where: mine, orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }] }),
    db.appointment.findMany({ where: mine, orderBy: { startsAt: 'asc' } }),
    db.turn.findMany({ where: mine, orderBy: { createdAt: 'asc' } }),
    db.modelUsage.findMany({ where: mine, orderBy: { createdAt: 'asc' } }),
  ]);
  const auditEntries =
    appointments.length === 0
      ? []
      : await db.$queryRaw<Array<{ id: string; action: string; user_email: string; before: unknown; after: unknown; created_at: Date }>>`
          SELECT id, action, user_email, before, after, created_at FROM audit_entry
          WHERE business_id = ${businessId}::uuid AND ${auditNaming(appointments.map((a) => a.id))} ORDER BY created_at`;
  return {
    customers,
    messages,
    appointments,
    turns,
    modelUsage,
    auditEntries: auditEntries.map((a) => ({ id: a.id, action: a.action, by: a.user_email, before: a.before, after: a.after, createdAt: a.created_at })),
  };
}

export type CustomerRecords = Awaited<ReturnType<typeof loadCustomerRecords>>;

/** The customer's appointments, with their calendar events. */
export async function customerAppointments(db: Database, customerIds: string[]): Promise<Array<{ id: string; eventId: string | null; serviceName: string }>> {
  const rows = await db.appointment.findMany({ where: { customerId: { in: customerIds } }, select: { id: true, calendarEventId: true, serviceName: true } });
  return rows.map((r) => ({ id: r.id, eventId: r.calendarEventId, serviceName: r.serviceName }));
}

/** The workflows the database names for these customers: every message's (inbound: its message workflow; outbound: the run that sent it). */
export async function workflowIdsOfMessages(db: Database, customerIds: string[]): Promise<string[]> {
  const rows = await db.message.findMany({
    where: { customerId: { in: customerIds }, workflowId: { not: null } },
    select: { workflowId: true },
    distinct: ['workflowId'],
  });
  return rows.map((r) => r.workflowId!);
}

export interface ErasedRows {
  customers: number;
  messages: number;
  turns: number;
  modelUsageDetached: number;
  appointmentsAnonymised: number;
  auditEntriesScrubbed: number;
  /** Workflows named by the messages deleted, and the events of the appointments kept: work the caller finishes outside the database. */
  workflowIds: string[];
  appointments: Array<{ id: string; eventId: string | null; serviceName: string }>;
}

/**
 * Removes the customer from the database in one transaction. Their messages,
 * turns and rows are deleted; model usage stays as the business's cost without
 * them; appointments stay for the business, moved to a fresh row that holds no
 * identity (erasedAt set) and without the name given at booking.
 *
 * The rows are locked first and then deleted rather than blanked: a message
 * being recorded for this customer at this moment waits for the lock and then
 * fails on the missing row, and its retry finds no customer by that number and
 * makes a new one. A blanked row would have taken the message in.
 */
export async function eraseCustomerRows(
  db: Database,
  input: { businessId: string; customerIds: string[]; audit: { userEmail: string; counts: Record<string, number> } },
): Promise<ErasedRows> {
  const { businessId } = input;
  return db.$transaction(
    async (transaction) => {
      const tx = transaction as unknown as Database;
      await tx.$queryRaw`SELECT id FROM customer WHERE id IN (${Prisma.join(input.customerIds)}) AND business_id = ${businessId}::uuid FOR UPDATE`;
      // Rows merged into the customer since it was looked up (a message carrying both IDs) are theirs too.
      const merged = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM customer WHERE merged_into_id IN (${Prisma.join(input.customerIds)}) AND business_id = ${businessId}::uuid FOR UPDATE`;
      const customerIds = [...new Set([...input.customerIds, ...merged.map((m) => m.id)])];
      const mine = { businessId, customerId: { in: customerIds } };

      const messages = await tx.message.findMany({ where: mine, select: { workflowId: true, wamid: true } });
      await tx.message.deleteMany({ where: mine });
      // Delivery statuses parked for these messages carry their wamids, which embed the phone number.
      const wamids = messages.map((m) => m.wamid).filter((w): w is string => w !== null);
      if (wamids.length) await tx.pendingStatus.deleteMany({ where: { businessId, wamid: { in: wamids } } });
      const turns = await tx.turn.deleteMany({ where: mine });
      const usage = await tx.modelUsage.updateMany({ where: mine, data: { customerId: null } });

      const appointments = await tx.appointment.findMany({ where: mine, select: { id: true, calendarEventId: true, serviceName: true } });
      let auditEntriesScrubbed = 0;
      if (appointments.length) {
        const keeper = await tx.customer.create({ data: { businessId, erasedAt: new Date() }, select: { id: true } });
        await tx.appointment.updateMany({ where: mine, data: { customerId: keeper.id, customerName: null } });
        auditEntriesScrubbed = await tx.$executeRaw`
          UPDATE audit_entry SET
            before = CASE WHEN before ? 'customer' THEN jsonb_set(before, '{customer}', 'null') ELSE before END,
            after = CASE WHEN after ? 'customer' THEN jsonb_set(after, '{customer}', 'null') ELSE after END
          WHERE business_id = ${businessId}::uuid AND ${auditNaming(appointments.map((a) => a.id))}
            AND (before->'customer' <> 'null'::jsonb OR after->'customer' <> 'null'::jsonb)`;
      }
      const customers = await tx.customer.deleteMany({ where: { businessId, id: { in: customerIds } } });

      const erased: ErasedRows = {
        customers: customers.count,
        messages: messages.length,
        turns: turns.count,
        modelUsageDetached: usage.count,
        appointmentsAnonymised: appointments.length,
        auditEntriesScrubbed,
        workflowIds: [...new Set(messages.map((m) => m.workflowId).filter((w): w is string => w !== null))],
        appointments: appointments.map((a) => ({ id: a.id, eventId: a.calendarEventId, serviceName: a.serviceName })),
      };
      const { workflowIds: _w, appointments: _a, ...rowCounts } = erased;
      // Counts only: the business sees that a customer was erased and how much, never who.
      await tx.auditEntry.create({
        data: {
          businessId,
          userEmail: input.audit.userEmail,
          action: 'customer.erase',
          before: Prisma.JsonNull,
          after: { ...rowCounts, ...input.audit.counts },
        },
      });
      return erased;
    },
    { timeout: 60_000 },
  );
}
