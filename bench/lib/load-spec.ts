// What a load generator is asked to do and what it reports (both runners).

export interface LoadSpec {
  url: string;
  /** Offered requests per second; 0 for as fast as the connections go. */
  rate: number;
  durationSeconds: number;
  connections: number;
  phoneNumberId: string;
  appSecret: string;
  /** Makes wamids unique across runs. */
  label: string;
}

export interface LoadResult {
  sent: number;
  ok: number;
  non2xx: number;
  /** Of the non-2xx, 503s with Retry-After: the API shedding load (paced generator only). */
  shed?: number;
  errors: number;
  timeouts: number;
  /** From the first request sent to the last one accepted. */
  durationSeconds: number;
  /** Acknowledgement latency of the requests accepted (200); the others are counted, not timed. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/** How long a request may take before the generator gives up on it, as Meta would. */
export const REQUEST_TIMEOUT_SECONDS = 10;

/** The i-th distinct, signed webhook of a run. */
export function loadWebhookNumber(i: number): { wamid: (label: string) => string; from: string; text: string } {
  return { wamid: (label) => `wamid.bench.${label}.${i}`, from: `34${String(700000000 + (i % 5000))}`, text: `Benchmark message ${i}` };
}
