// Runs autocannon in its own process, so the load generator does not share an
// event loop with what it measures. Input: one JSON argument; output: one JSON
// line. Every request is a distinct, correctly signed webhook.
import autocannon from 'autocannon';
import { textWebhook } from './payloads';

export interface LoadSpec {
  url: string;
  /** Offered requests per second, across all connections. */
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
  errors: number;
  timeouts: number;
  durationSeconds: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

function main(): void {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  let n = 0;
  const instance = autocannon(
    {
      url: spec.url,
      method: 'POST',
      connections: spec.connections,
      duration: spec.durationSeconds,
      ...(spec.rate > 0 ? { overallRate: spec.rate } : {}),
      timeout: 10,
      requests: [
        {
          setupRequest: (request) => {
            const i = n++;
            const webhook = textWebhook({
              phoneNumberId: spec.phoneNumberId,
              wamid: `wamid.bench.${spec.label}.${i}`,
              from: `34${String(700000000 + (i % 5000))}`,
              text: `Benchmark message ${i}`,
              appSecret: spec.appSecret,
            });
            return { ...request, body: webhook.body, headers: webhook.headers };
          },
        },
      ],
    },
    (err, result) => {
      if (err) {
        console.error(err);
        process.exit(1);
      }
      const out: LoadResult = {
        sent: result.requests.sent,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        durationSeconds: result.duration,
        latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.average },
      };
      console.log(JSON.stringify(out));
    },
  );
  process.once('SIGINT', () => instance.stop());
}

main();
