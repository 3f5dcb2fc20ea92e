// A business's booking settings through the console API: who may read and
// change them, field errors, prices as money, retired services, the audit log,
// and the next message using the new settings without a restart.
import type { SettingsView } from '../../src/db/business-settings';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { deliver } from '../support/deliver';
import { textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, useStack } from '../support/stack';

const stack = useStack();
const OTHER_PHONE_NUMBER_ID = '100000000000778';
type Who = 'admin' | 'ownerA' | 'staffA' | 'ownerB';
const browsers = {} as Record<Who, ConsoleClient>;
let businessB: string;

beforeAll(async () => {
  businessB = (await stack.database.db.business.create({ data: { name: 'Other Salon', phoneNumberId: OTHER_PHONE_NUMBER_ID }, select: { id: true } })).id;
  browsers.admin = await signedInUser(stack, 'admin@example.com', 'platform-admin');
  browsers.ownerA = await signedInUser(stack, 'ownerA@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  browsers.staffA = await signedInUser(stack, 'staffA@example.com', 'staff', DEMO_PHONE_NUMBER_ID);
  browsers.ownerB = await signedInUser(stack, 'ownerB@example.com', 'owner', OTHER_PHONE_NUMBER_ID);
});

const settingsPath = (businessId: string) => `/admin/api/businesses/${businessId}/settings`;

async function currentSettings(): Promise<SettingsView> {
  return (await browsers.ownerA.request<{ settings: SettingsView }>('GET', settingsPath(stack.businessId))).body.settings;
}

test('the settings read as people write them: hours by day, prices as money', async () => {
  const settings = await currentSettings();
  expect(settings.openingHours.mon).toEqual([
    ['10:00', '14:00'],
    ['15:00', '19:00'],
  ]);
  expect(settings.services.find((s) => s.name === 'Haircut')).toMatchObject({ durationMinutes: 30, price: '25.00', currency: 'EUR' });
  expect(settings).toMatchObject({ maxSimultaneousAppointments: 2, bufferMinutes: 10, slotStepMinutes: 30 });
});

test.each<[Who, 'A' | 'B', number, number]>([
  ['admin', 'A', 200, 200],
  ['admin', 'B', 200, 200],
  ['ownerA', 'A', 200, 200],
  ['ownerA', 'B', 403, 403],
  ['staffA', 'A', 200, 403],
  ['staffA', 'B', 403, 403],
  ['ownerB', 'A', 403, 403],
])('%s on business %s: reading %i, changing %i', async (who, which, read, write) => {
  const id = which === 'A' ? stack.businessId : businessB;
  const got = await browsers[who].request<{ settings?: SettingsView }>('GET', settingsPath(id));
  expect(got.status).toBe(read);
  // Saving what is there (the demo's own settings, or a minimal valid set) changes nothing but proves the right.
  const body = got.body.settings?.services.length
    ? got.body.settings
    : { ...(await currentSettings()), services: [{ name: 'Cut', durationMinutes: 30, price: '10', currency: 'EUR' }] };
  expect((await browsers[who].request('PUT', settingsPath(id), body)).status).toBe(write);
});

test('refused settings name each field, and nothing is saved', async () => {
  const before = await currentSettings();
  const refused = await browsers.ownerA.request<{ fields: Record<string, string> }>('PUT', settingsPath(stack.businessId), {
    ...before,
    openingHours: {
      ...before.openingHours,
      tue: [
        ['10:00', '14:00'],
        ['13:00', '18:00'],
      ],
    },
    services: [...before.services, { name: 'Beard', durationMinutes: 20, price: '9.999', currency: 'EUR' }],
    slotStepMinutes: 7,
  });
  expect(refused.status).toBe(400);
  expect(refused.body.fields).toMatchObject({
    'openingHours.tue': expect.stringMatching(/overlaps/),
    [`services.${before.services.length}.price`]: expect.any(String),
    slotStepMinutes: expect.any(String),
  });
  expect(await currentSettings()).toEqual(before);
});

test('an owner changes hours and a price; a removed service is retired, the audit log says who changed what, and the next message uses it', async () => {
  const before = await currentSettings();
  const haircut = before.services.find((s) => s.name === 'Haircut')!;
  const saved = await browsers.ownerA.request<{ settings: SettingsView }>('PUT', settingsPath(stack.businessId), {
    ...before,
    openingHours: { ...before.openingHours, sun: [['11:00', '15:00']] },
    services: [{ ...haircut, price: '27.5' }, ...before.services.filter((s) => s.name !== 'Haircut' && s.name !== 'Colour')],
  });
  expect(saved.status).toBe(200);
  expect(saved.body.settings.services.find((s) => s.name === 'Haircut')).toMatchObject({ id: haircut.id, price: '27.50' });
  expect(saved.body.settings.services.map((s) => s.name)).not.toContain('Colour');
  // Retired, not deleted: past appointments keep their service.
  expect(await stack.database.db.service.findFirst({ where: { businessId: stack.businessId, name: 'Colour' } })).toMatchObject({ active: false });

  const audit = await browsers.ownerA.request<{ entries: Array<Record<string, unknown>> }>('GET', `/admin/api/businesses/${stack.businessId}/audit`);
  expect(audit.body.entries[0]).toMatchObject({
    by: 'ownera@example.com',
    action: 'settings.update',
    before: { openingHours: expect.not.objectContaining({ sun: expect.anything() }) },
    after: { openingHours: expect.objectContaining({ sun: [['11:00', '15:00']] }) },
  });
  // Only what changed is recorded.
  expect(Object.keys(audit.body.entries[0]!.after as object).sort()).toEqual(['openingHours', 'services']);
  expect((await browsers.staffA.request('GET', `/admin/api/businesses/${stack.businessId}/audit`)).status).toBe(403);

  // No restart: the next turn's system prompt has the new price and Sunday hours.
  stack.sandbox.openai.enqueue({ content: 'Sure!' });
  await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34655111222', text: 'How much is a haircut?' }));
  const system = String(stack.sandbox.openai.requests.at(-1)!.messages[0]!.content);
  expect(system).toContain('Haircut: 30 min, €27.50');
  expect(system).not.toContain('Colour');
  expect(system).toMatch(/Sun(day)?[^\n]*11:00/);
});

test('a retired service comes back when it is offered again', async () => {
  const before = await currentSettings();
  const saved = await browsers.ownerA.request<{ settings: SettingsView }>('PUT', settingsPath(stack.businessId), {
    ...before,
    services: [...before.services, { name: 'Colour', durationMinutes: 90, price: '70', currency: 'EUR' }],
  });
  expect(saved.body.settings.services.find((s) => s.name === 'Colour')).toMatchObject({ price: '70.00' });
  expect(await stack.database.db.service.count({ where: { businessId: stack.businessId, name: 'Colour' } })).toBe(1);
});

test('the limits and how long messages are kept: saved, checked field by field, audited, with today’s token usage beside them', async () => {
  // A new business starts with the defaults (the demo business of the stack has generous limits for other tests).
  const fresh = await stack.database.db.business.create({ data: { phoneNumberId: '100000000000777', name: 'Fresh Studio' } });
  const defaults = await browsers.admin.request<{ settings: SettingsView }>('GET', settingsPath(fresh.id));
  expect(defaults.body.settings).toMatchObject({
    customerTurnsPerMinute: 6,
    customerTurnsPerDay: 60,
    dailyTokenBudget: 200_000,
    maxActiveAppointmentsPerCustomer: 3,
    messageRetentionDays: 365,
  });
  const before = await currentSettings();

  const refused = await browsers.ownerA.request<{ fields: Record<string, string> }>('PUT', settingsPath(stack.businessId), {
    ...before,
    customerTurnsPerMinute: 0,
    dailyTokenBudget: 10,
    maxActiveAppointmentsPerCustomer: 51,
    messageRetentionDays: 1,
  });
  expect(refused.status).toBe(400);
  expect(refused.body.fields).toEqual({
    customerTurnsPerMinute: 'At least 1.',
    dailyTokenBudget: 'At least 1,000.',
    maxActiveAppointmentsPerCustomer: 'At most 50.',
    messageRetentionDays: 'At least 7 days.',
  });
  const fewerADay = await browsers.ownerA.request<{ fields: Record<string, string> }>('PUT', settingsPath(stack.businessId), {
    ...before,
    customerTurnsPerMinute: 10,
    customerTurnsPerDay: 5,
  });
  expect(fewerADay.body.fields).toEqual({ customerTurnsPerDay: 'Must be at least the replies a minute.' });
  expect(await currentSettings()).toEqual(before);

  const limits = {
    customerTurnsPerMinute: 4,
    customerTurnsPerDay: 40,
    dailyTokenBudget: 50_000,
    maxActiveAppointmentsPerCustomer: 2,
    messageRetentionDays: 90,
  };
  const saved = await browsers.ownerA.request<{ settings: SettingsView }>('PUT', settingsPath(stack.businessId), { ...before, ...limits });
  expect(saved.status).toBe(200);
  expect(saved.body.settings).toMatchObject(limits);
  expect(await stack.database.db.business.findUniqueOrThrow({ where: { id: stack.businessId } })).toMatchObject(limits);
  const audit = await browsers.ownerA.request<{ entries: Array<{ action: string; before: object; after: object }> }>(
    'GET',
    `/admin/api/businesses/${stack.businessId}/audit`,
  );
  expect(audit.body.entries[0]).toMatchObject({ action: 'settings.update', after: limits });
  expect(Object.keys(audit.body.entries[0]!.before).sort()).toEqual(Object.keys(limits).sort());

  // Staff read them too, with what today has used of the budget.
  const read = await browsers.staffA.request<{ settings: SettingsView; tokenUsage: Record<string, unknown> }>('GET', settingsPath(stack.businessId));
  expect(read.body.settings).toMatchObject(limits);
  expect(read.body.tokenUsage).toEqual({ usedToday: expect.any(Number), dailyBudget: 50_000, spentAt: null });
});
