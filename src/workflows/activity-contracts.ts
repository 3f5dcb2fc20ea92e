// What the workflows ask of the outside world: the activities' signatures,
// declared here so that workflow code depends on no implementation. The
// factories in src/activities/ implement them; the compiler checks they agree.
import type { BusinessProfile, ChatMessage, ModelReply, ToolCall, ToolDefinition } from '../agent/types';
import type { ChoiceOption } from '../whatsapp/interactive';
import type { ArrivedMessage } from './signals';
import type { InboundMessageInput, ToolResult } from './types';

/** Storing and reading the conversation ledger, and its housekeeping. */
export interface LedgerActivities {
  /** Stores an inbound message once and finds (or creates) its customer; names the earlier run when it was stored before. */
  recordInboundMessage(input: InboundMessageInput & { workflowId: string; runId: string }): Promise<{ customerId: string; duplicateOf?: string }>;
  /** The business and the last messages of this customer with it. */
  loadConversation(input: { businessId: string; customerId: string }): Promise<{ business: BusinessProfile; history: ChatMessage[]; maxIterations: number }>;
  /** Housekeeping: drops parked statuses no send claimed in time; returns how many. */
  expireParkedStatuses(): Promise<number>;
}

export interface HandoffActivities {
  /** Hands a recorded message to its customer's conversation, starting the conversation if none runs. */
  enqueueInConversation(input: { businessId: string; customerId: string; phoneNumberId: string; message: ArrivedMessage }): Promise<void>;
}

export interface ModelActivities {
  callModel(input: { messages: ChatMessage[]; tools: ToolDefinition[] }): Promise<ModelReply>;
}

export interface BookingActivities {
  /** Runs one tool call for one customer; the booking key names the step, so a retry finds what it booked. */
  runTool(input: { businessId: string; customerId: string; call: ToolCall; bookingKey: string }): Promise<ToolResult>;
  /** Gives back a booking step that could not be completed; true when there was one. */
  releaseBooking(input: { businessId: string; bookingKey: string }): Promise<boolean>;
}

export interface SendReplyInput {
  businessId: string;
  customerId: string;
  phoneNumberId: string;
  text: string;
  /** Choices to show under the reply as buttons or a list. */
  options?: ChoiceOption[];
  /** Names the reply for good: a retried send finds the parts an earlier attempt sent. */
  replyKey: string;
  workflowId: string;
  runId: string;
}

export interface SendingActivities {
  /** Sends a reply (formatted for WhatsApp, split at its limit) exactly once per part when Meta answers. */
  sendReply(input: SendReplyInput): Promise<{ wamids: string[]; sentText: string }>;
  /** Blue ticks and "typing…" for the customer's latest message. */
  markReadWithTyping(input: { phoneNumberId: string; wamid: string }): Promise<void>;
}

export type Activities = LedgerActivities & HandoffActivities & ModelActivities & BookingActivities & SendingActivities;
