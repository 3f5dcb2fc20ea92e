// What a turn reports about itself as it runs, for whoever watches: the agent-run
// tracer (console lines or Langfuse) and the Prometheus metrics both implement
// TurnObserver, and the worker hands one combined observer to the activities and
// to the workflow sinks. The events carry what happened, not how to show it: the
// tracer decides what is personal data and hides it.
//
// Turn start and end come from the workflow through a sink that is not called on
// replay, so each is reported once per real execution; model and tool calls come
// from the activities that made them, once per attempt.
import type { ChatMessage, ModelReply } from '../agent/types';
import type { ToolEffect, TurnOutcome } from '../workflows/types';

/** Which turn an event belongs to. The turn key names the turn for good (also across retries and replays). */
export interface TurnRef {
  businessId: string;
  /** The customer's keyed hash, as in every log line and the CustomerKey search attribute; absent for conversations started before it existed. */
  customerKey?: string;
  turnKey: string;
  workflowId: string;
  runId: string;
}

export interface TurnStartedEvent extends TurnRef {
  /** The message workflows of the messages this turn answers (their IDs hash the wamids, which embed phone numbers). */
  messageWorkflowIds: string[];
  /** The same messages' wamids: personal data, shown only with TRACE_LOG_PII=true. */
  wamids: string[];
  startedAtMs: number;
}

export interface ModelCallEvent extends TurnRef {
  model: string;
  /** 1 for the turn's first model call. */
  iteration: number;
  attempt: number;
  ok: boolean;
  /** The failure's class (FailureType, or the error's name) when not ok. */
  error?: string;
  /** The tools the reply asked for, by name. */
  toolCallsRequested: string[];
  promptTokens: number;
  completionTokens: number;
  /** Whether the provider reported the tokens, or they were estimated. */
  tokensReported: boolean;
  startedAtMs: number;
  latencyMs: number;
  /** What the model read and wrote: the tracer shows them only with TRACE_LOG_PII=true. */
  input: ChatMessage[];
  output?: Pick<ModelReply, 'content' | 'toolCalls' | 'finishReason'>;
}

export interface ToolCallEvent extends TurnRef {
  tool: string;
  /** The model's arguments as JSON text: the tracer removes personal data (names, free text) unless TRACE_LOG_PII=true. */
  arguments: string;
  ok: boolean;
  error?: string;
  /** What the call changed in the calendar, if anything. */
  effect?: ToolEffect;
  startedAtMs: number;
  latencyMs: number;
  /** Run inside the workflow (present_options, ask_for_a_person) rather than as an activity. */
  inWorkflow: boolean;
}

export interface TurnEndedEvent extends TurnRef {
  outcome: TurnOutcome;
  startedAtMs: number;
  endedAtMs: number;
  modelCalls: number;
  toolCalls: number;
  /** Steps that failed in the end (after their retries): the turn's error and each tool that could not run. */
  errors: number;
  error?: string;
  promptTokens: number;
  completionTokens: number;
  appointments: ToolEffect[];
  /** The turn in a few words without personal data, as the Web UI shows it ("Booked Haircut Mon 11:00"). */
  summary: string;
}

/** A reply (or one part of it) handed to the Graph API. */
export interface ReplySentEvent {
  businessId: string;
  ok: boolean;
  /** Meta's error code when refused ("131047"), or the transport failure's class. */
  errorCode?: string;
}

/** An appointment changed outside a turn: the owner moved or cancelled it from the console. */
export interface AppointmentChangedEvent {
  businessId: string;
  kind: ToolEffect['kind'];
  by: 'customer' | 'owner';
}

export interface TurnObserver {
  turnStarted?(event: TurnStartedEvent): void;
  modelCall?(event: ModelCallEvent): void;
  toolCall?(event: ToolCallEvent): void;
  turnEnded?(event: TurnEndedEvent): void;
  replySent?(event: ReplySentEvent): void;
  appointmentChanged?(event: AppointmentChangedEvent): void;
}

type EventName = keyof TurnObserver;

/**
 * One observer that tells each of `observers`. Watching never fails a turn:
 * an observer that throws is reported through `onError` and the others still hear.
 */
export function combineObservers(observers: TurnObserver[], onError: (name: EventName, err: unknown) => void = () => {}): TurnObserver {
  const tell =
    <N extends EventName>(name: N) =>
    (event: Parameters<NonNullable<TurnObserver[N]>>[0]) => {
      for (const observer of observers) {
        try {
          (observer[name] as ((e: typeof event) => void) | undefined)?.(event);
        } catch (err) {
          onError(name, err);
        }
      }
    };
  return {
    turnStarted: tell('turnStarted'),
    modelCall: tell('modelCall'),
    toolCall: tell('toolCall'),
    turnEnded: tell('turnEnded'),
    replySent: tell('replySent'),
    appointmentChanged: tell('appointmentChanged'),
  };
}

/** Watches nothing: the default for activities built without an observer (tests that do not look). */
export const NO_OBSERVER: TurnObserver = {};
