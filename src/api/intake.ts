// What the webhook does with a verified, parsed payload: start one workflow per
// message and record each delivery status. It returns once every start is
// durable in Temporal; the conversation itself happens in the workflow.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client';
import { recordStatus } from '../db/messages';
import type { MessageStatus } from '../generated/prisma/enums';
import { describeText, hashIdentifier } from '../observability/privacy';
import { messageContent } from '../whatsapp/message-content';
import type { ParsedWebhook, RoutedMessage, RoutedStatus } from '../whatsapp/webhook-payload';
import type { handleInboundMessage } from '../workflows';
import { messageWorkflowId } from './message-workflow-id';
import { BUSINESS_ID, CUSTOMER_KEY } from '../workflows/search-attributes';
import { messageSummary } from '../workflows/summaries';
import type { InboundMessageInput } from '../workflows/types';
import type { BusinessDirectory } from './business-directory';
import type { ApiMetrics } from '../observability/metrics';

export type MessageIntakeStatus = 'started' | 'duplicate' | 'unknown-business' | 'inactive-business' | 'no-sender';

export interface IntakeReport {
  messages: Array<{ id: string; workflowId?: string; status: MessageIntakeStatus }>;
  statuses: Array<{ id: string; status: string; recorded: 'applied' | 'pending' | 'unknown-business' }>;
}

export interface IntakeDependencies {
  db: Database;
  temporal: Client;
  taskQueue: string;
  businesses: BusinessDirectory;
  log: FastifyBaseLogger;
  /** TRACE_LOG_PII: message text may be logged (at debug level); otherwise, and by default, only its length is. */
  logPii?: boolean;
  /** Counts the messages and statuses by what became of them; nothing is counted without it. */
  metrics?: ApiMetrics;
}

/** How long starting a workflow may take before the webhook gives up and answers 503. */
const START_DEADLINE_MS = 5_000;

export async function processWebhook(deps: IntakeDependencies, parsed: ParsedWebhook): Promise<IntakeReport> {
  // One lookup per number per webhook: every item starts at once, so for a number not
  // cached yet, a flood of 10,000 items would otherwise be 10,000 simultaneous queries.
  const routes = new Map<string, ReturnType<BusinessDirectory['lookup']>>();
  const businesses: BusinessDirectory = {
    lookup(phoneNumberId) {
      if (!routes.has(phoneNumberId)) routes.set(phoneNumberId, deps.businesses.lookup(phoneNumberId));
      return routes.get(phoneNumberId)!;
    },
  };
  const scoped = { ...deps, businesses };
  const [messages, statuses] = await Promise.all([
    Promise.all(parsed.messages.map((m) => startMessageWorkflow(scoped, m))),
    Promise.all(parsed.statuses.map((s) => recordDeliveryStatus(scoped, s))),
  ]);
  const report = { messages, statuses };
  // Each number's lookup is cached for this webhook: naming the businesses again asks the database nothing.
  await deps.metrics?.intakeReported(parsed, report, async (phoneNumberId) => (await businesses.lookup(phoneNumberId))?.id);
  return report;
}

async function startMessageWorkflow(deps: IntakeDependencies, routed: RoutedMessage): Promise<IntakeReport['messages'][number]> {
  const { message, contact, phoneNumberId } = routed;
  const business = await deps.businesses.lookup(phoneNumberId);
  if (!business || !business.active) {
    deps.log.warn(
      { phoneNumberId, message: hashIdentifier(message.id) },
      business ? 'Message for an inactive business ignored' : 'Message for an unknown phone_number_id ignored',
    );
    return { id: message.id, status: business ? 'inactive-business' : 'unknown-business' };
  }
  const waId = message.from ?? contact?.wa_id;
  const bsuid = message.from_user_id ?? contact?.user_id;
  if (!waId && !bsuid) {
    deps.log.warn({ message: hashIdentifier(message.id) }, 'Message without a sender ignored');
    return { id: message.id, status: 'no-sender' };
  }

  const workflowId = messageWorkflowId(message.id);
  const content = messageContent(message);
  const customerKey = hashIdentifier(waId ?? bsuid)!;
  const input: InboundMessageInput = {
    businessId: business.id,
    phoneNumberId,
    wamid: message.id,
    type: content.type,
    text: content.text,
    handling: content.handling,
    timestamp: message.timestamp,
    customer: { waId, bsuid, profileName: contact?.profile?.name },
  };
  try {
    // Bounded, so an unreachable Temporal means a prompt 503 (Meta retries) rather than a request
    // that outlives Meta's patience while the client keeps retrying the connection.
    await deps.temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      deps.temporal.workflow.start<typeof handleInboundMessage>('handleInboundMessage', {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: BUSINESS_ID, value: business.id },
          { key: CUSTOMER_KEY, value: customerKey },
        ],
        // The Web UI shows it at once; the outcome and a sentence about the turn are set when the workflow ends.
        staticSummary: messageSummary(content.type, business.name),
      }),
    );
    deps.log.info({ workflowId, businessId: business.id, from: customerKey, type: message.type }, 'Message workflow started');
    // TRACE_LOG_PII was documented but never read: the text could not be seen even when allowed, so following a conversation meant reading the database.
    deps.log.debug({ workflowId, text: describeText(content.text, deps.logPii ?? false) }, 'Message text');
    return { id: message.id, workflowId, status: 'started' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      deps.log.info({ workflowId }, 'Redelivered message: workflow already exists');
      return { id: message.id, workflowId, status: 'duplicate' };
    }
    throw err;
  }
}

async function recordDeliveryStatus(deps: IntakeDependencies, routed: RoutedStatus): Promise<IntakeReport['statuses'][number]> {
  const { status, phoneNumberId } = routed;
  const business = await deps.businesses.lookup(phoneNumberId);
  if (!business) return { id: status.id, status: status.status, recorded: 'unknown-business' };
  const error = status.errors?.[0];
  const recorded = await recordStatus(deps.db, {
    businessId: business.id,
    wamid: status.id,
    status: status.status.toUpperCase() as MessageStatus,
    occurredAt: new Date(Number(status.timestamp) * 1000),
    errorCode: error?.code,
    errorTitle: error?.title ?? error?.message,
    callbackData: status.biz_opaque_callback_data,
  });
  if (status.status === 'failed')
    deps.log.warn({ message: hashIdentifier(status.id), code: error?.code, title: error?.title }, 'WhatsApp reports a failed delivery');
  return { id: status.id, status: status.status, recorded };
}
