// The worker's side of the workflow's turn sinks (src/workflows/turn-sinks.ts):
// each event goes to the observer, and none is repeated on replay.
import type { InjectedSinks } from '@temporalio/worker';
import type { TurnObserver } from '../observability/turn-events';
import type { TurnSinks } from '../workflows/turn-sinks';

export function turnSinks(observer: TurnObserver): InjectedSinks<TurnSinks> {
  return {
    turns: {
      started: { fn: (_info, event) => observer.turnStarted?.(event), callDuringReplay: false },
      toolInWorkflow: { fn: (_info, event) => observer.toolCall?.(event), callDuringReplay: false },
      ended: { fn: (_info, event) => observer.turnEnded?.(event), callDuringReplay: false },
    },
  };
}
