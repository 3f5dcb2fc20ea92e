// A business's audit log in the console: for the people who can change the
// business, newest first, a page of 100 at a time with no entry skipped or
// repeated across pages, even among entries made in the same millisecond.
import { recordAudit } from '../../src/db/audit';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
let owner: ConsoleClient;

interface AuditPage {
  entries: Array<{ id: string; at: string; by: string; action: string; after: { n: number } }>;
  next: string | null;
}

const audit = (query = '') => owner.request<AuditPage>('GET', `/admin/api/businesses/${stack.businessId}/audit${query}`);

beforeAll(async () => {
  owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  const actor = { userId: (await stack.database.db.adminUser.findUniqueOrThrow({ where: { email: 'owner@example.com' } })).id, email: 'owner@example.com' };
  for (let n = 0; n < 230; n++) await recordAudit(stack.database.db, { businessId: stack.businessId, actor, action: 'test.step', before: null, after: { n } });
  // Twenty entries share one moment: the order among them is by ID, and paging must still cross them cleanly.
  const steps = await stack.database.db.auditEntry.findMany({ where: { action: 'test.step' }, orderBy: { createdAt: 'asc' } });
  const same = steps[100]!.createdAt;
  await stack.database.db.auditEntry.updateMany({
    where: { action: 'test.step', after: { path: ['n'], gte: 100 }, AND: { after: { path: ['n'], lt: 120 } } },
    data: { createdAt: same },
  });
});

test('the log comes a page at a time, newest first, every entry exactly once', async () => {
  const seen: AuditPage['entries'] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const page = await audit(next ? `?before=${next}` : '');
    expect(page.status).toBe(200);
    expect(page.body.entries.length).toBeLessThanOrEqual(100);
    seen.push(...page.body.entries);
    next = page.body.next;
    pages++;
  } while (next);
  expect(pages).toBe(3);
  expect(seen).toHaveLength(230);
  expect(new Set(seen.map((e) => e.id)).size).toBe(230);
  const times = seen.map((e) => Date.parse(e.at));
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(seen[0]!.after.n).toBe(229);
  expect(seen[seen.length - 1]!.after.n).toBe(0);
});

test('a cursor from another log, or not an ID at all, is refused', async () => {
  const otherBusiness = await stack.database.db.business.create({ data: { name: 'Other Salon', phoneNumberId: '100000000000782' } });
  await recordAudit(stack.database.db, { businessId: otherBusiness.id, actor: { userId: null as never, email: 'x@example.com' }, action: 'test.other' });
  const foreign = (await stack.database.db.auditEntry.findFirstOrThrow({ where: { businessId: otherBusiness.id } })).id;
  expect(await audit(`?before=${foreign}`)).toMatchObject({ status: 400, body: { fields: { before: expect.any(String) } } });
  expect(await audit('?before=not-an-id')).toMatchObject({ status: 400, body: { fields: { before: expect.any(String) } } });
});

test('staff of the business cannot read its log', async () => {
  const staff = await signedInUser(stack, 'staff@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  expect((await staff.request('GET', `/admin/api/businesses/${stack.businessId}/audit`)).status).toBe(403);
});
