// How a turn reports its start and end from workflow code, which may do no I/O:
// through sinks, which the worker calls once the workflow task completes and,
// as registered in src/worker/turn-sinks.ts, never while replaying history. So a
// worker that rebuilds a conversation after a crash does not report its turns again.
import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { ToolCallEvent, TurnEndedEvent, TurnStartedEvent } from '../observability/turn-events';

export interface TurnSinks extends Sinks {
  turns: {
    started(event: TurnStartedEvent): void;
    /** A tool the workflow answers itself (present_options, ask_for_a_person). */
    toolInWorkflow(event: ToolCallEvent): void;
    ended(event: TurnEndedEvent): void;
  };
}

export const { turns } = proxySinks<TurnSinks>();
