// Who answers a customer, the bot or a person from the team, and whether the
// conversation needs a person: state of the conversation workflow, changed by
// Temporal updates. An update's validator refuses at once (the console shows its
// sentence) and an accepted one is recorded in the workflow's history in order
// with the messages' signals, so a takeover and a message arriving together
// have one order: the one the Temporal server recorded. Pure, deterministic.
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export type Control =
  | { by: 'bot' }
  | {
      by: 'person';
      userId: string;
      name: string;
      sinceMs: number;
      /** The person's last action (take-over or reply): the automatic hand-back counts from here. */
      lastActivityMs: number;
    };

export interface NeedsPerson {
  reason: string;
  sinceMs: number;
}

export interface ControlState {
  control: Control;
  needsPerson: NeedsPerson | null;
}

export interface TakeOverRequest {
  userId: string;
  /** How the person is shown, in the inbox and in refusals ("Ana is already handling this conversation."). */
  name: string;
}

export interface PersonReplyRequest extends TakeOverRequest {
  text: string;
  /** Chosen by the browser once per reply, so a double submit sends once (the reply's key is person-<requestId>). */
  requestId: string;
}

/** The reply as recorded: its first part's message row, and the whole text as sent (formatted, maybe split). */
export interface PersonReply {
  messageIds: string[];
  text: string;
  sentAtMs: number;
}

export const takeOver = defineUpdate<ControlState, [TakeOverRequest]>('takeOver');
export const handBack = defineUpdate<ControlState, [{ userId: string }]>('handBack');
export const sendAsPerson = defineUpdate<PersonReply, [PersonReplyRequest]>('sendAsPerson');
/** The state now, for operators (`temporal workflow query`) and tests. */
export const controlState = defineQuery<ControlState>('controlState');

/** WhatsApp takes 4096 characters a message; a longer reply is split, and this bounds it to a few messages. */
export const PERSON_REPLY_MAX_LENGTH = 4096 * 4;

export const refusals = {
  takenBy: (name: string) => `${name} is already handling this conversation.`,
  botHasIt: 'The bot already has this conversation.',
  takeOverFirst: 'Take over the conversation before replying.',
  emptyText: 'Write a reply first.',
  tooLong: `A reply can be at most ${PERSON_REPLY_MAX_LENGTH} characters.`,
  requestId: 'A reply needs a request ID.',
};

/** Why a takeover is refused: another person has the conversation. The same person again is fine (it counts as activity). */
export function takeOverRefusal(control: Control, request: TakeOverRequest): string | undefined {
  if (control.by === 'person' && control.userId !== request.userId) return refusals.takenBy(control.name);
  return undefined;
}

/** Anyone who may see the conversation may hand it back (the person who took it may have gone home); only the bot having it is refused. */
export function handBackRefusal(control: Control): string | undefined {
  return control.by === 'bot' ? refusals.botHasIt : undefined;
}

/** Only the person handling the conversation replies; a colleague takes it over first, which they cannot while it is held. */
export function replyRefusal(control: Control, request: PersonReplyRequest): string | undefined {
  if (control.by === 'bot') return refusals.takeOverFirst;
  if (control.userId !== request.userId) return refusals.takenBy(control.name);
  if (!request.text.trim()) return refusals.emptyText;
  if (request.text.length > PERSON_REPLY_MAX_LENGTH) return refusals.tooLong;
  if (!request.requestId.trim()) return refusals.requestId;
  return undefined;
}

/** Why a turn leaves the conversation needing a person: the customer was promised one (the fallback reply) or asked for one. */
export const needsPersonReasons = {
  asked: (reason: string) => `Asked for a person: ${reason}`,
  noAnswer: (outcome: string) => `The bot could not answer (${outcome}); the customer was told a person would get back to them.`,
  outsideHours: 'Wrote outside opening hours.',
  budgetSpent: "Today's model budget is used up; the customer was told a person would reply.",
};
