// What the workflows ask of the outside world: the activities' signatures,
// declared here so that workflow code depends on no implementation. The
// factories in src/activities/ implement them; the compiler checks they agree.
import type { BusinessProfile, ChatMessage, ModelReply, ToolCall, ToolDefinition } from '../agent/types';
import type { OwnerChange } from '../booking/owner-notice';
import type { ChoiceOption } from '../whatsapp/interactive';
import type { BusinessHours } from '../agent/handover';
import type { ControlState } from './control';
import type { TurnWindow } from '../limit-windows';
import type { InboundMessageInput, MessageIntake, ToolEffect, ToolResult } from './types';
import type { TurnRef } from '../observability/turn-events';

/** What a turn reads before calling the model: the business, and the customer's last messages with it. */
export interface LoadedConversation {
  business: BusinessProfile;
  history: ChatMessage[];
  maxIterations: number;
  /** See AgentLimits. */
  maxToolCallsPerReply: number;
  /** Opening hours with dated exceptions, and whether a message outside them marks the conversation for a person. */
  hours: BusinessHours;
  flagOutsideHours: boolean;
}

/** Storing and reading the conversation ledger, and its housekeeping. */
export interface LedgerActivities {
  /** Stores an inbound message once and finds (or creates) its customer; names the earlier run when it was stored before. */
  recordInboundMessage(input: InboundMessageInput & { workflowId: string; runId: string }): Promise<{ customerId: string; duplicateOf?: string }>;
  /**
   * The business and the last messages of this customer with it; without the reply of `turnKey`, so a turn run
   * again after a crash reads what it read the first time, even if part of its reply went out.
   */
  loadConversation(input: { businessId: string; customerId: string; turnKey?: string }): Promise<LoadedConversation>;
  /** Housekeeping: drops parked statuses no send claimed in time; returns how many. */
  expireParkedStatuses(): Promise<number>;
}

/** Message retention (Business.messageRetentionDays), run daily by the retention schedule. */
export interface RetentionActivities {
  retentionPolicies(): Promise<Array<{ businessId: string; retentionDays: number }>>;
  /**
   * Deletes the business's messages and turns created before `before` (ISO) and unlinks its model usage of
   * then from the customer, in batches for a bounded time; `more` when some are left for another call.
   */
  purgeExpired(input: { businessId: string; before: string }): Promise<{ messages: number; turns: number; modelUsageDetached: number; more: boolean }>;
}

export interface HandoffActivities {
  /**
   * Stores an inbound message once and, unless it is a duplicate or only recorded (a reaction), hands it to its
   * customer's conversation workflow (signal-with-start), which answers it. One step, so a message costs its
   * workflow a single workflow task.
   */
  admitMessage(input: InboundMessageInput & { workflowId: string; runId: string }): Promise<MessageIntake>;
}

export interface ModelActivities {
  /** Calls the model and records the call's token usage for the business (and customer) it was made for. */
  callModel(input: {
    messages: ChatMessage[];
    tools: ToolDefinition[];
    businessId: string;
    customerId: string;
    /** The turn and which of its model calls this is (1 for the first): for the usage ledger and the traces. */
    turn?: TurnRef;
    iteration?: number;
  }): Promise<ModelReply>;
}

/** Why a turn may not call the model: a customer's turn limit, or the business's daily token budget. */
export type TurnAllowance =
  | { kind: 'allowed' }
  /** `notify`: this turn sends the one notice; the customer's other turns stay silent until they are answered again. */
  | { kind: 'customer-limit'; window: TurnWindow; notify: boolean }
  | { kind: 'budget-spent' };

/** What a turn needs before it calls the model, read in one step (one marker in the conversation's history). */
export type TurnPreparation =
  { allowance: Exclude<TurnAllowance, { kind: 'allowed' }> } | { allowance: { kind: 'allowed' }; conversation?: LoadedConversation };

export interface TurnStepActivities {
  /**
   * Checks the turn's limits; unless the customer is limited, marks the latest message read with "typing…" (a
   * courtesy: its failure is logged, never fatal); when the turn may call the model and `load` is set, loads the
   * conversation.
   */
  prepareTurn(input: {
    businessId: string;
    customerId: string;
    phoneNumberId: string;
    latestWamid: string;
    atMs: number;
    load: boolean;
    turnKey: string;
  }): Promise<TurnPreparation>;
  /** Sends the turn's reply (as sendReply) and then records the turn (as recordTurn): the turn's last step. */
  replyAndRecordTurn(input: SendReplyInput & { record: TurnRecord }): Promise<SentReply>;
}

export interface LimitActivities {
  /** Counts the customer's turns and the business's tokens as of `atMs` (the turn's time); flags a spent budget for the owner. */
  checkTurnLimits(input: { businessId: string; customerId: string; atMs: number }): Promise<TurnAllowance>;
}

export interface BookingActivities {
  /** Runs one tool call for one customer; the booking key names the step, so a retry finds what it booked. */
  runTool(input: { businessId: string; customerId: string; call: ToolCall; bookingKey: string; turn?: TurnRef }): Promise<ToolResult>;
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
  /** A reply a person wrote in the console (after taking over): recorded as theirs. */
  sentByUserId?: string;
}

/** A reply as sent: Meta's IDs of its parts, the whole text as formatted, and our message rows. */
export interface SentReply {
  wamids: string[];
  sentText: string;
  messageIds: string[];
}

export interface SendingActivities {
  /** Sends a reply (formatted for WhatsApp, split at its limit) exactly once per part when Meta answers. */
  sendReply(input: SendReplyInput): Promise<SentReply>;
  /** Blue ticks and "typing…" for the customer's latest message. */
  markReadWithTyping(input: { phoneNumberId: string; wamid: string }): Promise<void>;
}

/** An appointment as an owner's change finds it before changing it (local times in the business's zone). */
export interface AppointmentBeforeChange {
  customerId: string;
  service: string;
  start: string;
  status: 'booked' | 'cancelled';
  /** Already over: nothing to cancel or move. */
  past: boolean;
  businessName: string;
  phoneNumberId: string;
}

export type OwnerChangeOutcome = { ok: true; start: string } | { ok: false; reason: string; message: string; alternatives?: string[] };

export interface OwnerAppointmentActivities {
  /** The appointment of this business as it is now; null when the business has none with that ID. */
  findAppointmentForChange(input: { businessId: string; appointmentId: string }): Promise<AppointmentBeforeChange | null>;
  /** Cancels or moves it through the booking code the bot uses (rules, capacity lock, calendar); audited as the person's change. */
  changeAppointmentAsOwner(input: {
    businessId: string;
    appointmentId: string;
    change: OwnerChange;
    actor: { userId: string; email: string };
  }): Promise<OwnerChangeOutcome>;
}

/** One turn as the inbox shows it; recorded once per turn key. */
export interface TurnRecord {
  businessId: string;
  customerId: string;
  turnKey: string;
  /** The conversation run that ran the turn, for the link to the Temporal Web UI. */
  workflowId: string;
  runId: string;
  outcome: string;
  /** In the order the model called them, with its raw JSON arguments. */
  toolCalls: Array<{ name: string; arguments: string }>;
  effects: ToolEffect[];
  modelCalls: number;
  error: string | null;
  /** The customer's messages the turn took: marked with its key, which is how their outcome is found. */
  wamids: string[];
  /** The reply as sent (replyAndRecordTurn fills it in), or as it would have been; null when nothing was to be sent. */
  replyText: string | null;
  /** Why the turn left the conversation needing a person; null when it did not. */
  needsPerson: string | null;
}

/** The conversation workflow's state mirrored on the customer's row for the inbox, and each turn's record. */
export interface ConversationStateActivities {
  /** Writes who handles the conversation and whether it needs a person onto the customer's row. */
  mirrorConversationState(input: { customerId: string; state: ControlState }): Promise<void>;
  /** How long a takeover lasts without the person doing anything, from the business's setting. */
  handBackDelay(input: { businessId: string }): Promise<number>;
  recordTurn(input: TurnRecord): Promise<void>;
  /** Marks messages the bot did not answer because a person had the conversation. */
  recordHeldMessages(input: { businessId: string; wamids: string[] }): Promise<void>;
}

export type Activities = ConversationStateActivities &
  TurnStepActivities &
  LedgerActivities &
  HandoffActivities &
  ModelActivities &
  LimitActivities &
  BookingActivities &
  SendingActivities &
  OwnerAppointmentActivities &
  RetentionActivities;
