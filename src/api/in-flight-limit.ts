// Load shedding for the webhook. Each accepted webhook waits for durable
// workflow starts; when Temporal cannot keep up, waiting requests pile up, Meta
// gives up on them and delivers them again anyway, and the API's memory grows
// with the pile. Past a fixed number of webhooks in flight, a new one is
// answered 503 at once instead: nothing is started, and Meta delivers it again
// later (Meta retries failed deliveries on its own schedule), while the ones
// already accepted finish in bounded time.

export interface InFlightLimit {
  /** Takes a place, or returns false (and counts a refusal) when all are taken. */
  tryEnter(): boolean;
  leave(): void;
  /** Refusals since the last call: reported periodically as one log line instead of thousands. */
  takeRefusals(): number;
}

export function createInFlightLimit(max: number): InFlightLimit {
  let inFlight = 0;
  let refused = 0;
  return {
    tryEnter() {
      if (inFlight >= max) {
        refused++;
        return false;
      }
      inFlight++;
      return true;
    },
    leave() {
      inFlight = Math.max(0, inFlight - 1);
    },
    takeRefusals() {
      const count = refused;
      refused = 0;
      return count;
    },
  };
}
