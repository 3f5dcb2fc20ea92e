// Activities are built by factories that receive their clients, so tests and
// the dev runner choose real services or local stand-ins without module mocks.
// Each concern has its own factory taking only what it uses; this file puts
// them together for the worker.
import type { Client } from '@temporalio/client';
import type { CalendarAccess } from '../calendar/google-calendar';
import type { Database } from '../db/client';
import type { WhatsAppSender } from '../whatsapp/graph-client';
import type { Activities } from '../workflows/activity-contracts';
import { createBookingActivities } from './booking';
import { createConversationStateActivities } from './conversation-state';
import { createHandoffActivities, type HandoffDependencies } from './handoff';
import { createLedgerActivities } from './ledger';
import { createModelActivities, type ChatModel } from './model';
import { createOwnerAppointmentActivities } from './owner-appointments';
import { createSendingActivities } from './sending';

export { HISTORY_LIMIT } from './ledger';

export interface ActivityDependencies {
  db: Database;
  /** For handing messages to conversation workflows (signal-with-start). */
  temporal: Client;
  model: ChatModel;
  whatsapp: WhatsAppSender;
  calendarAccess: CalendarAccess;
  maxIterations: number;
  /** See createSendingActivities. */
  sendConfirmationWaitMs?: number;
  conversationTiming?: HandoffDependencies['conversationTiming'];
}

export function createActivities(deps: ActivityDependencies): Activities {
  return {
    ...createConversationStateActivities(deps),
    ...createLedgerActivities(deps),
    ...createHandoffActivities(deps),
    ...createModelActivities(deps),
    ...createBookingActivities(deps),
    ...createSendingActivities(deps),
    ...createOwnerAppointmentActivities(deps),
  };
}
