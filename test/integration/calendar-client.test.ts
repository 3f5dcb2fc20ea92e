// The calendar client over the real googleapis library against the Calendar
// stand-in: Google's semantics that correctness depends on.
import { auth as googleAuth, calendar_v3 } from 'googleapis/build/src/apis/calendar';
import { createBusinessCalendar, httpStatusOf, BOT_PROPERTY, type BusinessCalendar } from '../../src/calendar/google-calendar';
import { eventIdFor } from '../../src/calendar/event-id';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';

const TOKEN = 'calendar-test-token';
const CALENDAR = 'studio@example.com';
let sandbox: Sandbox;
let api: calendar_v3.Calendar;
let calendar: BusinessCalendar;

function client(token: string): calendar_v3.Calendar {
  const auth = new googleAuth.OAuth2();
  auth.setCredentials({ access_token: token });
  return new calendar_v3.Calendar({ auth, rootUrl: `${sandbox.url}/`, retry: false, fetchImplementation: fetch });
}

beforeAll(async () => {
  sandbox = await startSandbox({ whatsappAccessToken: 'unused', googleAccessToken: TOKEN });
  api = client(TOKEN);
  calendar = createBusinessCalendar(api, CALENDAR);
});

afterAll(async () => {
  await sandbox?.close();
});

beforeEach(() => sandbox.reset());

const at = (iso: string) => new Date(iso);

/** The HTTP status a call failed with (it must fail). */
async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (err) {
    return httpStatusOf(err);
  }
  throw new Error('expected the call to fail');
}
const event = (id: string, start: string, end: string, props: Record<string, string> = {}) => ({
  id,
  summary: 'Haircut',
  description: '',
  start: at(start),
  end: at(end),
  timeZone: 'Europe/Madrid',
  privateProperties: props,
});

test('deterministic event IDs are valid base32hex and differ per booking step', () => {
  const a = eventIdFor('wa-message-wamid.X:call_1');
  expect(a).toMatch(/^[a-v0-9]{32}$/);
  expect(eventIdFor('wa-message-wamid.X:call_1')).toBe(a);
  expect(eventIdFor('wa-message-wamid.X:call_2')).not.toBe(a);
});

test('a repeated create with the same ID meets 409 and resolves to the existing event', async () => {
  const id = eventIdFor('step-1');
  expect(await calendar.createEvent(event(id, '2026-12-01T10:00:00Z', '2026-12-01T10:30:00Z'))).toEqual({ id, alreadyExisted: false });
  expect(await calendar.createEvent(event(id, '2026-12-01T10:00:00Z', '2026-12-01T10:30:00Z'))).toEqual({ id, alreadyExisted: true });
  expect(sandbox.calendar.allEvents()).toHaveLength(1);
  await expect(
    api.events.insert({
      calendarId: CALENDAR,
      requestBody: { id: 'NOT-BASE32HEX!', start: { dateTime: '2026-12-01T10:00:00Z' }, end: { dateTime: '2026-12-01T11:00:00Z' } },
    }),
  ).rejects.toMatchObject({ status: 400 });
});

test("listing filters by time range, skips deleted events, orders by start and tells the bot's events apart", async () => {
  await calendar.createEvent(event(eventIdFor('b'), '2026-12-01T12:00:00Z', '2026-12-01T13:00:00Z', { [BOT_PROPERTY]: 'appt-b' }));
  await calendar.createEvent(event(eventIdFor('a'), '2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z'));
  await calendar.createEvent(event(eventIdFor('late'), '2026-12-02T09:00:00Z', '2026-12-02T10:00:00Z'));
  await calendar.createEvent(event(eventIdFor('gone'), '2026-12-01T11:00:00Z', '2026-12-01T11:30:00Z'));
  await calendar.deleteEvent(eventIdFor('gone'));

  const listed = await calendar.listEvents(at('2026-12-01T00:00:00Z'), at('2026-12-02T00:00:00Z'));
  expect(listed.map((e) => [e.id, e.appointmentId])).toEqual([
    [eventIdFor('a'), undefined],
    [eventIdFor('b'), 'appt-b'],
  ]);
  const filtered = await api.events.list({ calendarId: CALENDAR, privateExtendedProperty: [`${BOT_PROPERTY}=appt-b`] });
  expect(filtered.data.items?.map((e) => e.id)).toEqual([eventIdFor('b')]);
});

test('moves are guarded by the etag: a stale If-Match gets 412, and moveEvent re-reads and succeeds', async () => {
  const id = eventIdFor('move');
  await calendar.createEvent(event(id, '2026-12-01T10:00:00Z', '2026-12-01T10:30:00Z'));
  const { data: original } = await api.events.get({ calendarId: CALENDAR, eventId: id });
  // Someone edits the event (the owner renames it): the etag changes.
  await api.events.patch({ calendarId: CALENDAR, eventId: id, requestBody: { summary: 'Haircut (VIP)' } });
  const stale = api.events.patch({ calendarId: CALENDAR, eventId: id, requestBody: { summary: 'x' } }, { headers: { 'If-Match': original.etag! } });
  expect(await statusOf(stale)).toBe(412);

  await calendar.moveEvent(id, at('2026-12-01T15:00:00Z'), at('2026-12-01T15:30:00Z'), 'Europe/Madrid');
  await calendar.moveEvent(id, at('2026-12-01T15:00:00Z'), at('2026-12-01T15:30:00Z'), 'Europe/Madrid');
  const { data: moved } = await api.events.get({ calendarId: CALENDAR, eventId: id });
  expect([Date.parse(moved.start!.dateTime!), moved.summary]).toEqual([Date.parse('2026-12-01T15:00:00Z'), 'Haircut (VIP)']);
});

test('deleting twice: the second answer is 410 and counts as already gone', async () => {
  const id = eventIdFor('cancel');
  await calendar.createEvent(event(id, '2026-12-01T10:00:00Z', '2026-12-01T10:30:00Z'));
  expect(await calendar.deleteEvent(id)).toBe('deleted');
  expect(await statusOf(api.events.delete({ calendarId: CALENDAR, eventId: id }))).toBe(410);
  expect(await calendar.deleteEvent(id)).toBe('already-gone');
  expect(await calendar.deleteEvent(eventIdFor('never-existed'))).toBe('already-gone');
});

test('freeBusy reports busy time of live events only', async () => {
  await calendar.createEvent(event(eventIdFor('f1'), '2026-12-01T10:00:00Z', '2026-12-01T11:00:00Z'));
  await calendar.createEvent(event(eventIdFor('f2'), '2026-12-01T13:00:00Z', '2026-12-01T14:00:00Z'));
  await calendar.deleteEvent(eventIdFor('f2'));
  const { data } = await api.freebusy.query({ requestBody: { timeMin: '2026-12-01T00:00:00Z', timeMax: '2026-12-02T00:00:00Z', items: [{ id: CALENDAR }] } });
  expect(data.calendars?.[CALENDAR]?.busy).toEqual([{ start: '2026-12-01T10:00:00.000Z', end: '2026-12-01T11:00:00.000Z' }]);
});

test('a wrong access token is refused with 401', async () => {
  expect(await statusOf(createBusinessCalendar(client('wrong'), CALENDAR).listEvents(at('2026-12-01T00:00:00Z'), at('2026-12-02T00:00:00Z')))).toBe(401);
});
