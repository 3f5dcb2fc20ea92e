// The unthrottled load generator: autocannon in its own process, so it does not
// share an event loop with what it measures, keeping its connections busy
// (closed loop). Fixed rates use paced-runner.ts instead. Input: one JSON
// argument; output: one JSON line. Every request is a distinct, signed webhook.
import autocannon from 'autocannon';
import { loadWebhookNumber, REQUEST_TIMEOUT_SECONDS, type LoadResult, type LoadSpec } from './load-spec';
import { textWebhook } from './payloads';

function main(): void {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  let n = 0;
  const instance = autocannon(
    {
      url: spec.url,
      method: 'POST',
      connections: spec.connections,
      duration: spec.durationSeconds,
      timeout: REQUEST_TIMEOUT_SECONDS,
      requests: [
        {
          setupRequest: (request) => {
            const webhookNumber = loadWebhookNumber(n++);
            const webhook = textWebhook({
              phoneNumberId: spec.phoneNumberId,
              wamid: webhookNumber.wamid(spec.label),
              from: webhookNumber.from,
              text: webhookNumber.text,
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
