// Activities are built by a factory that receives their clients, so tests and
// the dev runner choose real services or local stand-ins without module mocks.
import { ApplicationFailure } from '@temporalio/common';
import { Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { conversation } from '../workflows/conversation';
import { conversationWorkflowId } from '../workflows/conversation-id';
import { BUSINESS_ID } from '../workflows/search-attributes';
import { messageArrived, type ArrivedMessage } from '../workflows/signals';
import type { ChatMessage, ModelReply, ToolCall, ToolDefinition, BusinessProfile } from '../agent/types';
import type { Database } from '../db/client';
import { FailureType } from '../failures';
import { classifyCalendarFailure, toCalendarActivityFailure } from '../calendar/calendar-errors';
import { calendarFor, type CalendarAccess } from '../calendar/google-calendar';
import { loadBookingBusiness, loadBusinessProfile } from '../db/businesses';
import { currentCustomer, resolveCustomer } from '../db/customers';
import { expireParkedStatuses, loadHistory, markOutboundFailed, markOutboundSent, markSendAttempted, outboundWamid, prepareOutbound, recordInbound } from '../db/messages';
import { hashIdentifier } from '../observability/privacy';
import { GraphApiError, type WhatsAppSender } from '../whatsapp/graph-client';
import type { ChoiceOption } from '../whatsapp/interactive';
import { replyParts } from '../whatsapp/outgoing';
import type { InboundMessageInput } from '../workflows/types';
import { releaseBooking } from '../booking/appointments';
import { isBookingTool, runBookingTool, type ToolResult } from './booking-tools';
import type { ChatModel } from './model';

export const HISTORY_LIMIT = 10;

export interface ActivityDependencies {
  db: Database;
  /** For handing messages to conversation workflows (signal-with-start). */
  temporal: Client;
  model: ChatModel;
  whatsapp: WhatsAppSender;
  calendarAccess: CalendarAccess;
  maxIterations: number;
  /**
   * How long a retried send waits for a status webhook naming an earlier attempt
   * whose fate is unknown, before sending again. 5 s by default.
   */
  sendConfirmationWaitMs?: number;
  /** Overrides the conversation workflow's idle time and turns per run (tests shorten them). */
  conversationTiming?: { idleMs?: number; turnsPerRun?: number };
}

/**
 * The activity failure for a calendar error. A refused credential is also
 * written on the business, where operators see it: no booking can succeed
 * until someone reconnects the calendar.
 */
async function calendarActivityFailure(db: Database, businessId: string, err: unknown): Promise<unknown> {
  const failure = classifyCalendarFailure(err);
  if (failure.kind === 'access-refused') {
    await db.business.update({ where: { id: businessId }, data: { calendarAccessError: failure.reason, calendarAccessErrorAt: new Date() } });
    log.error('Calendar connection refused; the business must reconnect its calendar', { businessId, reason: failure.reason });
  }
  return toCalendarActivityFailure(err, Context.current().info.attempt);
}

async function clearCalendarAccessError(db: Database, businessId: string): Promise<void> {
  await db.business.update({ where: { id: businessId }, data: { calendarAccessError: null, calendarAccessErrorAt: null } });
}

export function createActivities({ db, temporal, model, whatsapp, calendarAccess, maxIterations, sendConfirmationWaitMs = 5000, conversationTiming }: ActivityDependencies) {
  /** Polls for a status webhook that linked an earlier, unanswered send to its wamid. */
  const waitForLinkedSend = async (messageId: string): Promise<string | null> => {
    const deadline = Date.now() + sendConfirmationWaitMs;
    for (;;) {
      const wamid = await outboundWamid(db, messageId);
      if (wamid || Date.now() >= deadline) return wamid;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  return {
    /** Hands a recorded message to its customer's conversation, starting the conversation if none runs. */
    async enqueueInConversation(input: { businessId: string; customerId: string; phoneNumberId: string; message: ArrivedMessage }): Promise<void> {
      const business = await db.business.findUniqueOrThrow({
        where: { id: input.businessId },
        select: { replyQuietWindowMs: true, replyMaxWaitMs: true },
      });
      await temporal.workflow.signalWithStart<typeof conversation, [ArrivedMessage]>('conversation', {
        workflowId: conversationWorkflowId(input.customerId),
        taskQueue: Context.current().info.taskQueue,
        args: [
          {
            businessId: input.businessId,
            customerId: input.customerId,
            phoneNumberId: input.phoneNumberId,
            quietWindowMs: business.replyQuietWindowMs,
            maxWaitMs: Math.max(business.replyMaxWaitMs, business.replyQuietWindowMs),
            ...conversationTiming,
          },
        ],
        signal: messageArrived,
        signalArgs: [input.message],
        typedSearchAttributes: [{ key: BUSINESS_ID, value: input.businessId }],
      });
    },

    async recordInboundMessage(input: InboundMessageInput & { workflowId: string; runId: string }): Promise<{ customerId: string; duplicateOf?: string }> {
      const customerId = await resolveCustomer(db, input.businessId, input.customer);
      const { duplicateOf } = await recordInbound(db, {
        businessId: input.businessId,
        customerId,
        wamid: input.wamid,
        type: input.type,
        text: input.text,
        sentByCustomerAt: new Date(Number(input.timestamp) * 1000),
        workflowId: input.workflowId,
        runId: input.runId,
      });
      return { customerId, duplicateOf };
    },

    async loadConversation(input: { businessId: string; customerId: string }): Promise<{ business: BusinessProfile; history: ChatMessage[]; maxIterations: number }> {
      const customer = await currentCustomer(db, input.customerId);
      const [business, history] = await Promise.all([
        loadBusinessProfile(db, input.businessId),
        loadHistory(db, input.businessId, customer.id, HISTORY_LIMIT),
      ]);
      return { business, history, maxIterations };
    },

    async callModel(input: { messages: ChatMessage[]; tools: ToolDefinition[] }): Promise<ModelReply> {
      return model.complete(input.messages, input.tools);
    },

    async runTool(input: { businessId: string; customerId: string; call: ToolCall; bookingKey: string }): Promise<ToolResult> {
      if (!isBookingTool(input.call.name)) log.warn('Model called a tool that does not exist', { tool: input.call.name });
      const [business, customer] = await Promise.all([loadBookingBusiness(db, input.businessId), currentCustomer(db, input.customerId)]);
      const ctx = { db, business, calendar: calendarFor(business, calendarAccess), customerId: customer.id, now: new Date() };
      try {
        const result = await runBookingTool(ctx, input.call, input.bookingKey);
        if (business.calendarAccessError && ctx.calendar) await clearCalendarAccessError(db, business.id);
        return result;
      } catch (err) {
        throw await calendarActivityFailure(db, business.id, err);
      }
    },

    /** Housekeeping: statuses parked longer than their TTL belong to no send we will record. */
    async expireParkedStatuses(): Promise<number> {
      const expired = await expireParkedStatuses(db, new Date());
      if (expired > 0) log.info('Expired parked delivery statuses', { expired });
      return expired;
    },

    async markReadWithTyping(input: { phoneNumberId: string; wamid: string }): Promise<void> {
      await whatsapp.markReadWithTyping(input.phoneNumberId, input.wamid);
    },

    async releaseBooking(input: { businessId: string; bookingKey: string }): Promise<boolean> {
      const business = await loadBookingBusiness(db, input.businessId);
      try {
        return await releaseBooking(db, calendarFor(business, calendarAccess), input.businessId, input.bookingKey);
      } catch (err) {
        throw await calendarActivityFailure(db, business.id, err);
      }
    },

    async sendReply(input: {
      businessId: string;
      customerId: string;
      phoneNumberId: string;
      text: string;
      /** Choices to show under the reply as buttons or a list. */
      options?: ChoiceOption[];
      replyKey: string;
      workflowId: string;
      runId: string;
    }): Promise<{ wamids: string[]; sentText: string }> {
      const customer = await currentCustomer(db, input.customerId);
      const recipient = customer.waId ? { waId: customer.waId } : customer.bsuid ? { bsuid: customer.bsuid } : undefined;
      if (!recipient) throw ApplicationFailure.nonRetryable('The customer has neither a WhatsApp ID nor a BSUID to reply to', FailureType.RecipientUnknown);
      const wamids: string[] = [];
      // Models write Markdown; WhatsApp has its own marks (*bold*, _italic_) and a 4096-character limit.
      const parts = replyParts(input.text, input.options);
      for (const [index, part] of parts.entries()) {
        const outbound = await prepareOutbound(db, {
          businessId: input.businessId,
          customerId: customer.id,
          outboundKey: `${input.replyKey}:reply:${index}`,
          type: part.kind,
          text: part.text,
          workflowId: input.workflowId,
          runId: input.runId,
        });
        // Sent by an earlier attempt whose result was recorded: do not send again.
        // An earlier attempt that may have reached Meta (crash, timeout) gets a short
        // wait for the status webhook that would name it (see Message.sendAttemptedAt).
        const alreadySent = outbound.wamid ?? (outbound.sendAttemptedAt ? await waitForLinkedSend(outbound.id) : null);
        if (alreadySent) {
          wamids.push(alreadySent);
          continue;
        }
        if (outbound.sendAttemptedAt) log.warn('Sending again: an earlier attempt may have reached WhatsApp and no status confirmed it', { outboundKey: `${input.replyKey}:reply:${index}` });
        const options = { callbackData: `${input.replyKey}:reply:${index}` };
        await markSendAttempted(db, outbound.id, true);
        try {
          const { wamid } =
            part.kind === 'interactive'
              ? await whatsapp.sendInteractive(input.phoneNumberId, recipient, part.interactive, options)
              : await whatsapp.sendText(input.phoneNumberId, recipient, part.text, options);
          await markOutboundSent(db, outbound.id, wamid, new Date());
          wamids.push(wamid);
        } catch (err) {
          if (err instanceof GraphApiError && !err.retryable) {
            await markOutboundFailed(db, outbound.id, err.code, err.message);
            log.warn('WhatsApp refused the reply', { code: err.code, to: hashIdentifier(customer.waId ?? customer.bsuid) });
            throw ApplicationFailure.nonRetryable(err.message, FailureType.WhatsAppSendRefused);
          }
          // Meta answered with an error, so nothing was sent: the retry need not wait for a status.
          if (err instanceof GraphApiError) await markSendAttempted(db, outbound.id, false);
          throw err;
        }
      }
      return { wamids, sentText: parts.map((p) => p.text).join('\n\n') };
    },
  };
}
