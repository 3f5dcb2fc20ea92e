// Businesses in the console, for each role against its own business and
// another one: the only successes are the allowed ones.
import type { IntakeReport } from '../../src/api/intake';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { newWamid, postSigned, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, useStack } from '../support/stack';
import { until } from '../support/waiting';

const stack = useStack();
const OTHER_PHONE_NUMBER_ID = '100000000000777';
type Who = 'admin' | 'ownerA' | 'staffA' | 'ownerB';
const browsers = {} as Record<Who, ConsoleClient>;
let businessA: string;
let businessB: string;

beforeAll(async () => {
  businessA = stack.businessId;
  businessB = (await stack.database.db.business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID }, select: { id: true } })).id;
  browsers.admin = await signedInUser(stack, 'admin@example.com', 'platform-admin');
  browsers.ownerA = await signedInUser(stack, 'ownerA@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  browsers.staffA = await signedInUser(stack, 'staffA@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  browsers.ownerB = await signedInUser(stack, 'ownerB@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
});

const names = (body: { businesses?: Array<{ name: string }> }) => (body.businesses ?? []).map((b) => b.name).sort();

test('each user lists the businesses they belong to; a platform admin lists all, with their status', async () => {
  const all = await browsers.admin.request<{ businesses: Array<{ name: string } & Record<string, unknown>> }>('GET', '/admin/api/businesses');
  expect(names(all.body)).toEqual(expect.arrayContaining(['Lumen Hair Studio', 'Other Salon']));
  expect(all.body.businesses.find((b) => b.name === 'Lumen Hair Studio')).toMatchObject({
    active: true,
    phoneNumberId: DEMO_PHONE_NUMBER_ID,
    calendar: { connected: true, accessError: null },
  });
  expect(names((await browsers.ownerA.request('GET', '/admin/api/businesses')).body)).toEqual(['Lumen Hair Studio']);
  expect(names((await browsers.staffA.request('GET', '/admin/api/businesses')).body)).toEqual(['Lumen Hair Studio']);
  expect(names((await browsers.ownerB.request('GET', '/admin/api/businesses')).body)).toEqual(['Other Salon']);
});

test.each<[Who, 'A' | 'B', number]>([
  ['admin', 'A', 200],
  ['admin', 'B', 200],
  ['ownerA', 'A', 200],
  ['ownerA', 'B', 403],
  ['staffA', 'A', 200],
  ['staffA', 'B', 403],
  ['ownerB', 'A', 403],
  ['ownerB', 'B', 200],
])('%s reading business %s: %i', async (who, which, status) => {
  const id = which === 'A' ? businessA : businessB;
  expect((await browsers[who].request('GET', `/admin/api/businesses/${id}`)).status).toBe(status);
});

test('a business that does not exist looks the same as one that is not yours', async () => {
  const missing = '00000000-0000-4000-8000-000000000000';
  expect((await browsers.ownerA.request('GET', `/admin/api/businesses/${missing}`)).status).toBe(403);
  expect((await browsers.ownerA.request('GET', '/admin/api/businesses/not-a-uuid')).status).toBe(403);
  expect((await browsers.admin.request('GET', `/admin/api/businesses/${missing}`)).status).toBe(404);
});

test.each<Who>(['ownerA', 'staffA', 'ownerB'])('%s cannot create, deactivate or activate a business', async (who) => {
  expect(
    (await browsers[who].request('POST', '/admin/api/businesses', { name: 'Mine', phoneNumberId: '100000000000901', timeZone: 'Europe/Madrid' })).status,
  ).toBe(403);
  for (const action of ['deactivate', 'activate']) {
    expect((await browsers[who].request('POST', `/admin/api/businesses/${businessA}/${action}`)).status).toBe(403);
    expect((await browsers[who].request('POST', `/admin/api/businesses/${businessB}/${action}`)).status).toBe(403);
  }
  expect(await stack.database.db.business.count({ where: { phoneNumberId: '100000000000901' } })).toBe(0);
});

test('without a session every business route is 401', async () => {
  const anonymous = ConsoleClient.for(stack);
  expect((await anonymous.request('GET', '/admin/api/businesses')).status).toBe(401);
  expect((await anonymous.request('GET', `/admin/api/businesses/${businessA}`)).status).toBe(401);
  expect((await anonymous.request('POST', '/admin/api/businesses', { name: 'x', phoneNumberId: '100000000000902', timeZone: 'UTC' })).status).toBe(401);
});

test('a platform admin creates a business, with each bad field named and a taken number refused', async () => {
  const bad = await browsers.admin.request('POST', '/admin/api/businesses', { name: ' ', phoneNumberId: '+34 600', timeZone: 'Mars/Olympus' });
  expect(bad).toMatchObject({
    status: 400,
    body: { fields: { name: expect.any(String), phoneNumberId: expect.stringMatching(/digits/), timeZone: expect.stringMatching(/time zone/) } },
  });
  const taken = await browsers.admin.request('POST', '/admin/api/businesses', { name: 'Copy', phoneNumberId: DEMO_PHONE_NUMBER_ID, timeZone: 'UTC' });
  expect(taken).toMatchObject({ status: 409, body: { fields: { phoneNumberId: expect.stringMatching(/already uses/) } } });

  const created = await browsers.admin.request<{ business: Record<string, unknown> }>('POST', '/admin/api/businesses', {
    name: 'Studio Nord',
    phoneNumberId: '100000000000903',
    timeZone: 'Europe/Berlin',
    language: 'de',
  });
  expect(created).toMatchObject({
    status: 201,
    body: { business: { name: 'Studio Nord', active: true, timeZone: 'Europe/Berlin', language: 'de', lastMessageAt: null } },
  });
});

test('a deactivated business is no longer answered, and answered again once reactivated', async () => {
  const deliverTo = async () => {
    const response = await postSigned(
      stack.webhookUrl,
      textMessagePayload({ phoneNumberId: OTHER_PHONE_NUMBER_ID, from: '34633000001', text: 'hi', wamid: newWamid() }),
      TEST_APP_SECRET,
    );
    return ((await response.json()) as IntakeReport).messages[0]!.status;
  };
  expect((await browsers.admin.request('POST', `/admin/api/businesses/${businessB}/deactivate`)).body).toMatchObject({ business: { active: false } });
  // The webhook's routing cache follows within its 5 s.
  await until('the webhook to see the business switched off', async () => (await deliverTo()) === 'inactive-business', 10_000);
  expect((await browsers.admin.request('POST', `/admin/api/businesses/${businessB}/activate`)).body).toMatchObject({ business: { active: true } });
  await until('the webhook to see it switched on again', async () => (await deliverTo()) === 'started', 10_000);
});
