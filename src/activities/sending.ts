// Sending replies through the Graph API. Meta offers no idempotency key, so each
// part is written before it is sent and its wamid after: a retried step skips
// what an earlier attempt recorded, and one whose answer was lost waits briefly
// for the status webhook that would name it (see Message.sendAttemptedAt).
import { ApplicationFailure } from '@temporalio/common';
import { log } from '@temporalio/activity';
import type { Keyring } from '../crypto/keyring';
import { businessWhatsAppToken } from '../db/business-secrets';
import type { Database } from '../db/client';
import { currentCustomer } from '../db/customers';
import { markOutboundFailed, markOutboundSent, markOutboundShownInConsole, markSendAttempted, outboundWamid, prepareOutbound } from '../db/messages';
import { FailureType } from '../failures';
import { isTestMessageWamid } from '../whatsapp/console-test';
import { hashIdentifier } from '../observability/privacy';
import { GraphApiError, type WhatsAppSender } from '../whatsapp/graph-client';
import { NO_OBSERVER, type TurnObserver } from '../observability/turn-events';
import { replyParts } from '../whatsapp/outgoing';
import type { SendingActivities } from '../workflows/activity-contracts';

export interface SendingDependencies {
  db: Database;
  /** Sends with the business's own access token when it has one, else with the deployment's. */
  whatsapp: WhatsAppSender;
  /** SECRETS_ENCRYPTION_KEYS: opens the businesses' own access tokens. */
  secrets: Keyring;
  /**
   * How long a retried send waits for a status webhook naming an earlier attempt
   * whose fate is unknown, before sending again. 5 s by default.
   */
  sendConfirmationWaitMs?: number;
  /** Hears of each part handed to Meta, sent or not (metrics by Meta's error code). */
  observer?: TurnObserver;
}

export function createSendingActivities({
  db,
  whatsapp,
  secrets,
  sendConfirmationWaitMs = 5000,
  observer = NO_OBSERVER,
}: SendingDependencies): SendingActivities {
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
    async sendReply(input) {
      // Read side by side: the business's token costs no extra round trip before the first send.
      const [customer, accessToken] = await Promise.all([currentCustomer(db, input.customerId), businessWhatsAppToken(db, secrets, { id: input.businessId })]);
      // A test customer of the console's "Try it" chat is never sent to. Decided here, from the customer's
      // row, so that every way of replying (the bot, a person, an owner's change) keeps to it.
      const showOnlyInConsole = customer.isTest;
      const recipient = customer.waId ? { waId: customer.waId } : customer.bsuid ? { bsuid: customer.bsuid } : undefined;
      if (!recipient && !showOnlyInConsole)
        throw ApplicationFailure.nonRetryable('The customer has neither a WhatsApp ID nor a BSUID to reply to', FailureType.RecipientUnknown);
      const wamids: string[] = [];
      const messageIds: string[] = [];
      // Models write Markdown; WhatsApp has its own marks (*bold*, _italic_) and a 4096-character limit.
      const parts = replyParts(input.text, input.options);
      for (const [index, part] of parts.entries()) {
        const outboundKey = `${input.replyKey}:reply:${index}`;
        const outbound = await prepareOutbound(db, {
          businessId: input.businessId,
          customerId: customer.id,
          outboundKey,
          type: part.kind,
          text: part.text,
          workflowId: input.workflowId,
          runId: input.runId,
          sentByUserId: input.sentByUserId,
        });
        messageIds.push(outbound.id);
        if (showOnlyInConsole) {
          await markOutboundShownInConsole(db, outbound.id, new Date());
          continue;
        }
        // Sent by an earlier attempt whose result was recorded: do not send again.
        // An earlier attempt that may have reached Meta (crash, timeout) gets a short
        // wait for the status webhook that would name it.
        const alreadySent = outbound.wamid ?? (outbound.sendAttemptedAt ? await waitForLinkedSend(outbound.id) : null);
        if (alreadySent) {
          wamids.push(alreadySent);
          continue;
        }
        if (outbound.sendAttemptedAt) log.warn('Sending again: an earlier attempt may have reached WhatsApp and no status confirmed it', { outboundKey });
        const options = { callbackData: outboundKey, accessToken };
        await markSendAttempted(db, outbound.id, true);
        let wamid: string;
        try {
          ({ wamid } =
            part.kind === 'interactive'
              ? await whatsapp.sendInteractive(input.phoneNumberId, recipient!, part.interactive, options)
              : await whatsapp.sendText(input.phoneNumberId, recipient!, part.text, options));
        } catch (err) {
          observer.replySent?.({ businessId: input.businessId, ok: false, errorCode: sendErrorCode(err) });
          if (err instanceof GraphApiError && !err.retryable) {
            await markOutboundFailed(db, outbound.id, err.code, err.message);
            log.warn('WhatsApp refused the reply', { code: err.code, to: hashIdentifier(customer.waId ?? customer.bsuid) });
            throw ApplicationFailure.nonRetryable(err.message, FailureType.WhatsAppSendRefused);
          }
          // Meta answered with an error, so nothing was sent: the retry need not wait for a status.
          if (err instanceof GraphApiError) await markSendAttempted(db, outbound.id, false);
          throw err;
        }
        observer.replySent?.({ businessId: input.businessId, ok: true });
        await markOutboundSent(db, outbound.id, wamid, new Date());
        wamids.push(wamid);
      }
      return { wamids, sentText: parts.map((p) => p.text).join('\n\n'), messageIds };
    },

    async markReadWithTyping(input) {
      // A message written in the console's "Try it" chat was never on WhatsApp.
      if (isTestMessageWamid(input.wamid)) return;
      const accessToken = await businessWhatsAppToken(db, secrets, { phoneNumberId: input.phoneNumberId });
      await whatsapp.markReadWithTyping(input.phoneNumberId, input.wamid, { accessToken });
    },
  };
}

/** Meta's error code (as graph-errors.ts classifies it; the HTTP status when Meta gave none), else the transport failure's class. */
function sendErrorCode(err: unknown): string {
  if (err instanceof GraphApiError) return err.code !== undefined ? String(err.code) : `http-${err.httpStatus}`;
  return err instanceof Error ? err.name : 'Unknown';
}
