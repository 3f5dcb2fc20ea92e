// Load shedding for the webhook. Each accepted webhook waits for durable
// workflow starts; when Temporal cannot keep up, waiting requests pile up, Meta
// gives up on them and delivers them again anyway, and the API's memory grows
// with the pile. Past a fixed number of webhooks in flight, a new one is
// answered 503 at once instead: nothing is started, Meta delivers it again
// later, and the ones already accepted finish in bounded time. The benchmark's
// overload rows show the difference (README, Benchmarks).

export interface InFlightLimit {
  /** Takes a place, or returns false when all are taken. */
  tryEnter(): boolean;
  leave(): void;
  /** Requests refused since the last call, at most once per interval (for one log line instead of thousands). */
  refusedSinceLastReport(now?: number): number | undefined;
}

export function createInFlightLimit(max: number, reportEveryMs = 10_000): InFlightLimit {
  let inFlight = 0;
  let refused = 0;
  let lastReport = -Infinity;
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
    refusedSinceLastReport(now = Date.now()) {
      if (refused === 0 || now - lastReport < reportEveryMs) return undefined;
      const count = refused;
      refused = 0;
      lastReport = now;
      return count;
    },
  };
}
