// The secrets a business gives us, through the real stack: its Google refresh
// token (connected in the console) and its own WhatsApp access token (set in the
// console). Both are stored sealed, used by the worker (a booking goes into the
// calendar with the refresh token, the reply goes out with the business's token
// while another business still sends with the deployment's), and neither the
// secrets nor their ciphertexts come back from any console API or reach a log line.
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { openSecret } from '../../src/crypto/secrets';
import { seedDemoBusiness } from '../../src/db/demo-business';
import { createLogger, temporalLogger } from '../../src/observability/logger';
import { routesUnder } from '../support/api-routes';
import { ConsoleClient, signedInUser } from '../support/console-client';
import { deliver } from '../support/deliver';
import { newWamid, textMessagePayload } from '../support/payloads';
import { DEMO_PHONE_NUMBER_ID, TEST_ACCESS_TOKEN, TEST_SECRETS, useStack } from '../support/stack';
import { upcomingWeekday } from '../support/waiting';

class LogCapture implements DestinationStream {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}
const apiLog = new LogCapture();
const workerLog = new LogCapture();

// The worker's Google token is one Google refuses: the calendar opens only with the connected refresh token.
const stack = useStack({
  googleOAuth: true,
  workerGoogleToken: 'not-a-token-google-accepts',
  runtimeLogger: temporalLogger(createLogger('trace', 'worker', workerLog)),
  apiLog: { level: 'trace', destination: apiLog },
});
const db = () => stack.database.db;
const API = '/admin/api';
const OTHER_PHONE_NUMBER_ID = '100000000000871';
const BUSINESS_TOKEN = `EAAG-business-own-token-${randomUUID()}`;

let owner: ConsoleClient;
let admin: ConsoleClient;

beforeAll(async () => {
  const otherBusinessId = (await seedDemoBusiness(db(), OTHER_PHONE_NUMBER_ID)).id;
  await db().business.update({ where: { id: otherBusinessId }, data: { replyQuietWindowMs: 100, replyMaxWaitMs: 1000 } });
  owner = await signedInUser(stack, 'owner@example.com', 'owner', DEMO_PHONE_NUMBER_ID);
  admin = await signedInUser(stack, 'admin@example.com', 'platform-admin');
  // Meta accepts the business's own token as well as the deployment's.
  stack.sandbox.graph.acceptToken(BUSINESS_TOKEN);
});

const tokenPath = (businessId = stack.businessId) => `${API}/businesses/${businessId}/whatsapp-token`;

/** Both secret columns as PostgreSQL holds them, read past Prisma. */
async function rawSecrets(businessId = stack.businessId) {
  const [row] = await db().$queryRaw<Array<{ refresh: string | null; whatsapp: string | null }>>`
    SELECT google_refresh_token AS refresh, whatsapp_access_token AS whatsapp FROM business WHERE id = ${businessId}::uuid`;
  return row!;
}

/** The owner connects the calendar in the console and approves on (the stand-in for) Google's consent page. */
async function connectCalendar(calendarId: string) {
  const started = await owner.request<{ url: string }>('POST', `${API}/businesses/${stack.businessId}/calendar/connect`, { calendarId });
  expect(started.status).toBe(200);
  const consent = await fetch(started.body.url, { redirect: 'manual' });
  const callback = new URL(consent.headers.get('location')!);
  const back = await owner.request('GET', callback.pathname + callback.search, undefined, { redirect: 'manual' });
  expect(back.status).toBe(303);
}

/** A reader of a log or an answer decodes what looks like base64, so it is searched too. */
function readable(text: string): string {
  return [text, ...[...text.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)].map((m) => Buffer.from(m[0], 'base64').toString('utf8'))].join('\n');
}

describe('a business with its own WhatsApp token and a connected calendar', () => {
  let secrets: Record<string, string>;

  beforeAll(async () => {
    await connectCalendar('secrets@example.com');
    expect((await owner.request('PUT', tokenPath(), { accessToken: BUSINESS_TOKEN })).status).toBe(200);
    const raw = await rawSecrets();
    secrets = {
      'WhatsApp token': BUSINESS_TOKEN,
      'sealed WhatsApp token': raw.whatsapp!,
      'refresh token': openSecret(TEST_SECRETS, 'google-refresh-token', stack.businessId, raw.refresh!),
      'sealed refresh token': raw.refresh!,
    };
  });

  test('the database holds both sealed for this business, never the tokens', async () => {
    const raw = await rawSecrets();
    expect(raw.whatsapp).toMatch(/^enc:v1:stest1:/);
    expect(raw.refresh).toMatch(/^enc:v1:stest1:/);
    expect(readable(JSON.stringify(raw))).not.toContain(BUSINESS_TOKEN);
    expect(readable(JSON.stringify(raw))).not.toContain(secrets['refresh token']);
    expect(openSecret(TEST_SECRETS, 'whatsapp-access-token', stack.businessId, raw.whatsapp!)).toBe(BUSINESS_TOKEN);
  });

  test("a booking goes into the calendar with the sealed refresh token, and the reply and read receipt go out with the business's token", async () => {
    const date = upcomingWeekday('thu');
    stack.sandbox.openai.enqueue(
      { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T12:00`, customer_name: 'Eva' } }] },
      { content: `Booked: haircut on ${date} at 12:00.` },
    );
    const wamid = newWamid();
    const turn = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34655002001', text: 'Haircut Thursday 12?', wamid }));
    expect(turn.outcome).toBe('replied');
    expect(turn.appointments).toEqual([expect.objectContaining({ kind: 'booked', start: `${date}T12:00` })]);
    expect(stack.sandbox.calendar.liveEvents('secrets@example.com')).toHaveLength(1);
    expect(stack.sandbox.graph.sent.filter((m) => m.to === '34655002001').map((m) => m.accessToken)).toEqual([BUSINESS_TOKEN]);
    expect(stack.sandbox.graph.readReceipts.filter((r) => r.messageId === wamid).map((r) => r.accessToken)).toEqual([BUSINESS_TOKEN]);
  });

  test("another business without a token of its own still sends with the deployment's", async () => {
    stack.sandbox.openai.enqueue({ content: 'Hello from the other salon.' });
    const turn = await deliver(stack, textMessagePayload({ phoneNumberId: OTHER_PHONE_NUMBER_ID, from: '34655002002', text: 'Hi', wamid: newWamid() }));
    expect(turn.outcome).toBe('replied');
    expect(stack.sandbox.graph.sent.filter((m) => m.to === '34655002002').map((m) => m.accessToken)).toEqual([TEST_ACCESS_TOKEN]);
  });

  test('no console API answer carries either secret or its ciphertext, for the owner or a platform admin', async () => {
    const customer = await db().customer.findFirstOrThrow({ where: { businessId: stack.businessId, waId: '34655002001' } });
    const gets = routesUnder(stack.app, API).filter((route) => route.startsWith('GET '));
    const answers: string[] = [];
    for (const browser of [owner, admin]) {
      for (const route of gets) {
        const path = route
          .slice('GET '.length)
          .replace(/:(\w+)/g, (_, name: string) => (name === 'businessId' ? stack.businessId : name === 'customerId' ? customer.id : randomUUID()));
        const answer = await browser.request('GET', `${API}${path}`, undefined, { redirect: 'manual' });
        answers.push(`${route} ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
    // The sweep really read the business: its settings, its calendar, the token's state and the audit entry that set it.
    const text = answers.join('\n');
    expect(text).toContain('secrets@example.com');
    expect(text).toContain('whatsapp-token.set');
    expect(answers.filter((a) => / 200 /.test(a)).length).toBeGreaterThan(20);
    for (const [what, secret] of Object.entries(secrets)) expect({ what, found: readable(text).includes(secret) }).toEqual({ what, found: false });
  });

  test('the console learns only whether a token is set and when; clearing it puts the business back on the deployment token', async () => {
    const set = await owner.request<{ whatsappToken: Record<string, unknown> }>('GET', tokenPath());
    expect(set.body).toEqual({ whatsappToken: { set: true, changedAt: expect.any(String) } });

    const cleared = await owner.request('DELETE', tokenPath());
    expect(cleared.body).toEqual({ whatsappToken: { set: false, changedAt: expect.any(String) } });
    expect((await rawSecrets()).whatsapp).toBeNull();
    const entries = await db().auditEntry.findMany({
      where: { businessId: stack.businessId, action: { startsWith: 'whatsapp-token.' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(entries.map(({ action, before, after }) => ({ action, before, after }))).toEqual([
      { action: 'whatsapp-token.set', before: { ownCredentials: false }, after: { ownCredentials: true } },
      { action: 'whatsapp-token.clear', before: { ownCredentials: true }, after: { ownCredentials: false } },
    ]);

    stack.sandbox.openai.enqueue({ content: 'Back on the shared number token.' });
    const turn = await deliver(stack, textMessagePayload({ phoneNumberId: DEMO_PHONE_NUMBER_ID, from: '34655002003', text: 'Hi', wamid: newWamid() }));
    expect(turn.outcome).toBe('replied');
    expect(stack.sandbox.graph.sent.filter((m) => m.to === '34655002003').map((m) => m.accessToken)).toEqual([TEST_ACCESS_TOKEN]);

    // A token that is not one is refused, without the value in the answer.
    const refused = await owner.request('PUT', tokenPath(), { accessToken: 'has spaces in it' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain('has spaces');
  });

  test('no log line of the API or the worker carries either secret or its ciphertext', () => {
    const logs = readable([...apiLog.lines, ...workerLog.lines].join('\n'));
    // Verbose logs were written by both processes.
    expect(apiLog.lines.length).toBeGreaterThan(50);
    expect(workerLog.lines.length).toBeGreaterThan(50);
    for (const [what, secret] of Object.entries(secrets)) expect({ what, found: logs.includes(secret) }).toEqual({ what, found: false });
  });
});
