// What a message's workflow tells its customer's conversation workflow: a signal
// carrying IDs and timestamps only (the words live in the database).
import { defineSignal } from '@temporalio/workflow';
import type { ContentHandling } from '../whatsapp/message-content';

export interface ArrivedMessage {
  wamid: string;
  /** When the customer sent it (WhatsApp's timestamp), which orders the messages. */
  sentAtMs: number;
  handling: ContentHandling;
  messageWorkflowId: string;
}

/** To the conversation: one more message to answer. */
export const messageArrived = defineSignal<[ArrivedMessage]>('messageArrived');
