// Baseline 2: the design this project replaces. The webhook request itself does
// the work (store the message, run the agent loop with the same model, tools and
// database, send the reply) and Meta gets its 200 only afterwards. It keeps no
// record of what it already answered, as the original bot did not, so a
// redelivery is answered again. Same code paths as ours, minus Temporal.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { createBookingActivities } from '../../src/activities/booking';
import { createLedgerActivities } from '../../src/activities/ledger';
import { createOpenAIModel } from '../../src/activities/model';
import { createSendingActivities } from '../../src/activities/sending';
import { runAgentLoop } from '../../src/agent/loop';
import { buildSystemPrompt } from '../../src/agent/prompt';
import type { ChatMessage } from '../../src/agent/types';
import { calendarAccess, loadConfig, requireDatabaseUrl } from '../../src/config';
import { secretsKeyring } from '../../src/crypto/secrets';
import { createDatabase } from '../../src/db/client';
import { createGraphClient } from '../../src/whatsapp/graph-client';
import { isValidSignature } from '../../src/whatsapp/signature';

interface Incoming {
  phoneNumberId: string;
  wamid: string;
  from: string;
  text: string;
  timestamp: string;
}

function firstTextMessage(payload: unknown): Incoming | undefined {
  const value = (payload as { entry?: Array<{ changes?: Array<{ value?: Record<string, unknown> }> }> }).entry?.[0]?.changes?.[0]?.value;
  const message = (value?.messages as Array<{ id: string; from: string; timestamp: string; text?: { body?: string } }> | undefined)?.[0];
  const phoneNumberId = (value?.metadata as { phone_number_id?: string } | undefined)?.phone_number_id;
  if (!message || !phoneNumberId) return undefined;
  return { phoneNumberId, wamid: message.id, from: message.from, text: message.text?.body ?? '', timestamp: message.timestamp };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDatabase(requireDatabaseUrl(config));
  const secrets = secretsKeyring(config.SECRETS_ENCRYPTION_KEYS);
  // The model called directly: the usage ledger belongs to the workflow's activity, outside this baseline.
  const model = createOpenAIModel({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    maxOutputTokens: config.MODEL_MAX_OUTPUT_TOKENS,
  });
  // The same steps as the workflow's activities, called directly: no conversation hand-off, no retries.
  const steps = {
    ...createLedgerActivities({
      db,
      maxIterations: config.AGENT_MAX_ITERATIONS,
      historyBudget: { maxInboundChars: config.INBOUND_TEXT_MAX_CHARS, maxTokens: config.HISTORY_MAX_TOKENS },
    }),
    ...createBookingActivities({ db, calendarAccess: { ...calendarAccess(config), secrets } }),
    ...createSendingActivities({
      db,
      secrets,
      whatsapp: createGraphClient({ baseUrl: config.GRAPH_API_BASE_URL, version: config.GRAPH_API_VERSION, accessToken: config.WHATSAPP_ACCESS_TOKEN }),
    }),
  };

  async function answer(message: Incoming): Promise<void> {
    const business = await db.business.findUniqueOrThrow({ where: { phoneNumberId: message.phoneNumberId }, select: { id: true } });
    const runId = randomUUID();
    const input = {
      businessId: business.id,
      phoneNumberId: message.phoneNumberId,
      wamid: message.wamid,
      type: 'text',
      handling: 'answer' as const,
      text: message.text,
      timestamp: message.timestamp,
      customer: { waId: message.from },
    };
    const { customerId } = await steps.recordInboundMessage({ ...input, workflowId: `sync-${runId}`, runId });
    const { business: profile, history } = await steps.loadConversation({ businessId: business.id, customerId });
    const messages: ChatMessage[] = [{ role: 'system', content: buildSystemPrompt(profile, new Date()) }, ...history];
    const end = await runAgentLoop(
      messages,
      {
        callModel: (input) => model.complete(input.messages, input.tools),
        runTool: async (call) => (await steps.runTool({ businessId: business.id, customerId, call, bookingKey: `sync-${runId}:${call.id}` })).content,
      },
      { maxIterations: config.AGENT_MAX_ITERATIONS, maxToolCallsPerReply: config.MAX_TOOL_CALLS_PER_REPLY },
    );
    const text = (end.kind === 'answered' && end.text) || 'Sorry, something went wrong.';
    await steps.sendReply({
      businessId: business.id,
      customerId,
      phoneNumberId: message.phoneNumberId,
      text,
      replyKey: `sync-${runId}`,
      workflowId: `sync-${runId}`,
      runId,
    });
  }

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/webhook', async (request, reply) => {
    const raw = request.body as Buffer;
    if (!isValidSignature(raw, request.headers['x-hub-signature-256'], config.APP_SECRET)) return reply.code(401).send('bad signature');
    const message = firstTextMessage(JSON.parse(raw.toString('utf8')));
    if (message) await answer(message);
    return reply.code(200).send('EVENT_RECEIVED');
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  process.once(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => db.$disconnect())
        .then(() => process.exit(0)),
  );
}

void main();
