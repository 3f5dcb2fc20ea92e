// Activities are built by factories that receive their clients, so tests and
// the dev runner choose real services or local stand-ins without module mocks.
// Each concern has its own factory taking only what it uses; this file puts
// them together for the worker.
import type { Client } from '@temporalio/client';
import type { CalendarAccess } from '../calendar/google-calendar';
import type { Keyring } from '../crypto/keyring';
import type { Database } from '../db/client';
import type { WhatsAppSender } from '../whatsapp/graph-client';
import type { Activities } from '../workflows/activity-contracts';
import type { TurnObserver } from '../observability/turn-events';
import { createBookingActivities } from './booking';
import { createConversationStateActivities } from './conversation-state';
import { createHandoffActivities, type HandoffDependencies } from './handoff';
import { createLedgerActivities, type LedgerDependencies } from './ledger';
import { createLimitActivities } from './limits';
import { createModelActivities, type ChatModel } from './model';
import { createOwnerAppointmentActivities } from './owner-appointments';
import { createRetentionActivities } from './retention';
import { createSendingActivities } from './sending';
import { createTurnStepActivities } from './turn-steps';

export { HISTORY_LIMIT } from './ledger';

export interface ActivityDependencies {
  db: Database;
  /** For handing messages to conversation workflows (signal-with-start). */
  temporal: Client;
  model: ChatModel;
  whatsapp: WhatsAppSender;
  /** SECRETS_ENCRYPTION_KEYS: opens the secrets businesses gave us (WhatsApp tokens, Google refresh tokens). */
  secrets: Keyring;
  calendarAccess: CalendarAccess;
  maxIterations: number;
  /** What the model reads and may do per turn (ledger.ts); the defaults when left out. */
  maxToolCallsPerReply?: LedgerDependencies['maxToolCallsPerReply'];
  historyBudget?: LedgerDependencies['historyBudget'];
  /** See createSendingActivities. */
  sendConfirmationWaitMs?: number;
  conversationTiming?: HandoffDependencies['conversationTiming'];
  /** Hears of model calls, tool calls, sends and appointment changes (traces, metrics); nobody when absent. */
  observer?: TurnObserver;
}

export function createActivities(given: ActivityDependencies): Activities {
  const deps = { ...given, calendarAccess: { ...given.calendarAccess, secrets: given.secrets } };
  const conversationState = createConversationStateActivities(deps);
  const ledger = createLedgerActivities(deps);
  const limits = createLimitActivities(deps);
  const sending = createSendingActivities(deps);
  return {
    ...conversationState,
    ...ledger,
    ...createHandoffActivities({ ...deps, recordInboundMessage: ledger.recordInboundMessage }),
    ...createModelActivities(deps),
    ...limits,
    ...createBookingActivities(deps),
    ...sending,
    ...createTurnStepActivities({ ...limits, ...ledger, ...sending, ...conversationState }),
    ...createOwnerAppointmentActivities(deps),
    ...createRetentionActivities(deps),
  };
}
