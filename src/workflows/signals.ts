// Signals between a message's workflow and its customer's conversation
// workflow. They carry IDs and timestamps only: the words live in the database.
import { defineSignal } from '@temporalio/workflow';
import type { ContentHandling } from '../whatsapp/message-content';
import type { TurnResult } from './types';

export interface ArrivedMessage {
  wamid: string;
  /** When the customer sent it (WhatsApp's timestamp), which orders the messages. */
  sentAtMs: number;
  handling: ContentHandling;
  messageWorkflowId: string;
}

/** To the conversation: one more message to answer. */
export const messageArrived = defineSignal<[ArrivedMessage]>('messageArrived');

export interface TurnFinished {
  /** The message workflow whose message led the turn (the latest one in it). */
  leadWorkflowId: string;
  result: TurnResult;
}

/** Back to each message workflow: the turn that answered its message is done. */
export const turnFinished = defineSignal<[TurnFinished]>('turnFinished');
