// Load shedding for the webhook. Each accepted webhook waits for durable
// workflow starts; when Temporal cannot keep up, waiting requests pile up, Meta
// gives up on them and delivers them again anyway, and the API's memory grows
// with the pile. Past a fixed number of webhooks in flight, a new one is
// answered 503 at once instead: nothing is started, and Meta delivers it again
// later (Meta retries failed deliveries on its own schedule), while the ones
// already accepted finish in bounded time.
//
// The places are shared fairly: one business (one phone_number_id) holds at
// most its own share of them, so a flood to one number is refused on its own
// and the others' webhooks still find room. A webhook that carries several
// numbers (Meta may batch them) takes a place under each and is refused when
// any of them is at its share: it is one request, accepted or redelivered
// whole, and redelivery is deduplicated. It still takes one global place.

export interface InFlightLimits {
  /** Webhooks in flight at once, whatever they carry. */
  max: number;
  /** Of those, webhooks carrying one phone_number_id; defaultShare(max) when unset. */
  maxPerBusiness?: number;
}

export type Refusal = 'full' | 'business-full';

export interface InFlightLimit {
  /** Takes a place for a webhook carrying these phone_number_ids; the refusal (also counted) when there is none. */
  tryEnter(phoneNumberIds: Iterable<string>): { leave(): void } | { refused: Refusal };
  /** Refusals since the last call: reported periodically as one log line instead of thousands. */
  takeRefusals(): Record<Refusal, number>;
}

/** A quarter of the places, but never fewer than 8: it takes four flooding numbers at once to fill the rest. */
export function defaultShare(max: number): number {
  return Math.max(8, Math.floor(max / 4));
}

export function createInFlightLimit({ max, maxPerBusiness = defaultShare(max) }: InFlightLimits): InFlightLimit {
  let inFlight = 0;
  const perBusiness = new Map<string, number>();
  let refused: Record<Refusal, number> = { full: 0, 'business-full': 0 };
  const refuse = (why: Refusal) => {
    refused[why]++;
    return { refused: why };
  };
  return {
    tryEnter(phoneNumberIds) {
      const numbers = [...new Set(phoneNumberIds)];
      if (inFlight >= max) return refuse('full');
      if (numbers.some((n) => (perBusiness.get(n) ?? 0) >= maxPerBusiness)) return refuse('business-full');
      inFlight++;
      for (const n of numbers) perBusiness.set(n, (perBusiness.get(n) ?? 0) + 1);
      let left = false;
      return {
        leave() {
          // Once per place taken, however often it is called.
          if (left) return;
          left = true;
          inFlight--;
          for (const n of numbers) {
            const count = perBusiness.get(n)! - 1;
            if (count > 0) perBusiness.set(n, count);
            else perBusiness.delete(n);
          }
        },
      };
    },
    takeRefusals() {
      const taken = refused;
      refused = { full: 0, 'business-full': 0 };
      return taken;
    },
  };
}
