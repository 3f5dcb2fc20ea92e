// A customer's right of access and right to be forgotten, end to end: they book
// on WhatsApp, `npm run customer -- export` (a separate process, as an operator
// runs it) hands over everything held about them, and `erase` leaves nothing
// that names them in the database, the calendar or Temporal, while the business
// keeps the appointment.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import { SANDBOX_CALENDAR_ID } from '../../src/db/demo-business';
import type { CustomerExport } from '../../src/privacy/customer-data';
import { conversationWorkflowId } from '../../src/workflows/conversation-id';
import { deliver } from '../support/deliver';
import { newWamid, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';
import { until, upcomingWeekday } from '../support/waiting';

const execFileAsync = promisify(execFile);
const root = path.resolve(__dirname, '../..');

const stack = useStack();

const WA_ID = '34655123987';
const NAME = 'Valentina Erasmo';
const TEXT = 'Bartholomew the cat needs me on Tuesdays, can I book a haircut?';

/** `npm run customer -- <args>` with the worker's environment. */
const customerCli = (...args: string[]) => customerCliWith(stack.workerProcessEnv(), ...args);

async function customerCliWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [require.resolve('tsx/cli'), 'src/cli/customer.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** Rows of any table whose text (every column, JSON included) contains the needle. */
async function rowsMentioning(needle: string): Promise<Record<string, number>> {
  const { db } = stack.database;
  const tables = await db.$queryRaw<Array<{ name: string }>>`
    SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.$queryRawUnsafe<Array<{ count: number }>>(`SELECT count(*)::int AS count FROM "${name}" t WHERE t::text ILIKE $1`, `%${needle}%`);
    if (row!.count > 0) found[name] = row!.count;
  }
  return found;
}

async function gone(workflowId: string): Promise<boolean> {
  try {
    await stack.temporal.workflow.getHandle(workflowId).describe();
    return false;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true;
    throw err;
  }
}

const counts = (output: string) => Object.fromEntries([...output.matchAll(/^\s+(\d+) (.+)$/gm)].map((m) => [m[2], Number(m[1])]));

test('a customer who booked on WhatsApp is exported whole, then erased everywhere; the business keeps the appointment, anonymised', async () => {
  const { db } = stack.database;
  const date = upcomingWeekday('tue');
  stack.sandbox.openai.enqueue(
    { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] },
    { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T10:30`, customer_name: NAME } }] },
    { content: `Done, ${NAME}! *Haircut* on ${date} at 10:30.` },
  );
  const wamid = newWamid();
  const turn = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: WA_ID, name: NAME, text: TEXT, wamid }));
  expect(turn.outcome).toBe('replied');
  const appointmentId = turn.appointments[0]!.appointmentId;
  const customer = await db.customer.findFirstOrThrow({ where: { waId: WA_ID }, select: { id: true } });
  // An owner's change to the appointment is audited with the customer's name as it was then.
  await db.auditEntry.create({
    data: {
      businessId: stack.businessId,
      userEmail: 'owner@example.com',
      action: 'appointment.move',
      before: { appointmentId, customer: NAME, service: 'Haircut', start: `${date}T10:30`, status: 'booked' },
      after: { appointmentId, customer: NAME, service: 'Haircut', start: `${date}T11:30`, status: 'booked' },
    },
  });
  const usageBefore = await db.modelUsage.count({ where: { businessId: stack.businessId } });
  expect(Object.keys(await rowsMentioning(TEXT.slice(0, 20)))).toContain('message');
  expect(Object.keys(await rowsMentioning(WA_ID))).toContain('customer');
  expect(JSON.stringify(stack.sandbox.calendar.allEvents())).toContain(NAME);

  // Export: everything, to stdout or to a file only its owner can read.
  const exported = await customerCli('export', DEMO_PHONE_NUMBER_ID, WA_ID);
  expect(exported.code).toBe(0);
  const document = JSON.parse(exported.stdout) as CustomerExport;
  expect(document.business).toEqual({ id: stack.businessId, name: expect.any(String), phoneNumberId: DEMO_PHONE_NUMBER_ID });
  expect(document.customers).toEqual([expect.objectContaining({ id: customer.id, waId: WA_ID, profileName: NAME })]);
  expect(document.messages).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ direction: 'INBOUND', text: TEXT, wamid, status: expect.any(String), createdAt: expect.any(String) }),
      expect.objectContaining({ direction: 'OUTBOUND', text: expect.stringContaining(NAME) }),
    ]),
  );
  expect(document.appointments).toEqual([expect.objectContaining({ id: appointmentId, customerName: NAME, serviceName: 'Haircut', status: 'BOOKED' })]);
  expect(document.turns).toEqual([
    expect.objectContaining({ outcome: 'replied', toolCalls: expect.arrayContaining([expect.objectContaining({ name: 'book_appointment' })]) }),
  ]);
  expect(document.modelUsage).toHaveLength(await db.modelUsage.count({ where: { customerId: customer.id } }));
  expect(document.auditEntries).toEqual([expect.objectContaining({ action: 'appointment.move', before: expect.objectContaining({ customer: NAME }) })]);
  expect(document.workflows.map((w) => w.workflowId)).toEqual(expect.arrayContaining([messageWorkflowId(wamid), conversationWorkflowId(customer.id)]));
  expect(document.workflows[0]).toEqual(
    expect.objectContaining({ runId: expect.any(String), type: expect.any(String), status: expect.any(String), startTime: expect.any(String) }),
  );

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'export-')), 'customer.json');
  fs.writeFileSync(file, 'stale', { mode: 0o644 });
  expect((await customerCli('export', DEMO_PHONE_NUMBER_ID, WA_ID, '--out', file)).code).toBe(0);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect((JSON.parse(fs.readFileSync(file, 'utf8')) as CustomerExport).messages).toHaveLength(document.messages.length);

  const unknownCustomer = await customerCli('export', DEMO_PHONE_NUMBER_ID, '34000000000');
  expect(unknownCustomer).toMatchObject({ code: 2, stderr: expect.stringContaining('no customer with that wa_id or BSUID') });
  expect(await customerCli('export', '999999999999', WA_ID)).toMatchObject({ code: 2, stderr: expect.stringContaining('No business has phone_number_id') });
  expect((await customerCli('erase', DEMO_PHONE_NUMBER_ID, WA_ID)).code).toBe(2); // no --yes, no terminal: nothing is done
  // Without the calendar the worker uses, the event would keep the name after the rows that point to it are gone: refused.
  const { GOOGLE_CALENDAR_ROOT_URL: _root, GOOGLE_CALENDAR_ACCESS_TOKEN: _token, GOOGLE_OAUTH_CLIENT_ID: _id, ...withoutCalendar } = stack.workerProcessEnv();
  const refused = await customerCliWith(withoutCalendar, 'erase', DEMO_PHONE_NUMBER_ID, WA_ID, '--yes');
  expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('Nothing was erased') });
  expect(await db.customer.count({ where: { waId: WA_ID } })).toBe(1);

  // Erase.
  const erased = await customerCli('erase', DEMO_PHONE_NUMBER_ID, WA_ID, '--yes');
  expect(erased.code).toBe(0);
  expect(erased.stdout).not.toContain(NAME);
  expect(counts(erased.stdout)).toMatchObject({
    'customer rows deleted': 1,
    'messages deleted': document.messages.length,
    'turns deleted': 1,
    'model usage rows detached (cost kept)': document.modelUsage.length,
    'appointments kept without name': 1,
    'audit entries cleared of the name': 1,
    'calendar events rewritten': 1,
    'Temporal workflow executions deleted': document.workflows.length,
  });

  for (const needle of [WA_ID, 'Valentina', 'Erasmo', 'Bartholomew', wamid]) expect([needle, await rowsMentioning(needle)]).toEqual([needle, {}]);
  const appointment = await db.appointment.findUniqueOrThrow({ where: { id: appointmentId }, include: { customer: true } });
  expect(appointment).toMatchObject({ status: 'BOOKED', serviceName: 'Haircut', customerName: null });
  expect(appointment.customer).toMatchObject({ waId: null, bsuid: null, profileName: null, erasedAt: expect.any(Date) });
  expect(await db.modelUsage.count({ where: { businessId: stack.businessId } })).toBe(usageBefore);

  const events = stack.sandbox.calendar.allEvents();
  expect(JSON.stringify(events)).not.toMatch(/Valentina|Erasmo|34655123987/);
  expect(stack.sandbox.calendar.liveEvents(SANDBOX_CALENDAR_ID)).toEqual([
    expect.objectContaining({ id: appointment.calendarEventId, summary: 'Haircut – customer erased' }),
  ]);

  // Temporal deletes asynchronously: a closed run goes once its visibility record is final, which can take a while.
  for (const { workflowId } of document.workflows) await until(`${workflowId} deleted`, () => gone(workflowId), 150_000);

  const audit = await db.auditEntry.findFirstOrThrow({ where: { businessId: stack.businessId, action: 'customer.erase' } });
  expect(audit).toMatchObject({
    userEmail: expect.stringMatching(/^cli:/),
    before: null,
    after: expect.objectContaining({ messages: document.messages.length }),
  });

  // Again: nobody by that number any more, nothing to do.
  const again = await customerCli('erase', DEMO_PHONE_NUMBER_ID, WA_ID, '--yes');
  expect(again.code).toBe(0);
  expect(Object.values(counts(again.stdout))).toEqual(Array(8).fill(0));

  // Writing again later, they are a new customer.
  stack.sandbox.openai.enqueue({ content: 'Hello again!' });
  expect((await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: WA_ID, text: 'Hi' }))).outcome).toBe('replied');
  const newcomer = await db.customer.findFirstOrThrow({ where: { waId: WA_ID }, select: { id: true } });
  expect(newcomer.id).not.toBe(customer.id);
}, 240_000);
