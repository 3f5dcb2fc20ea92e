// The fixed-rate load generator, in its own process: request i is due at
// start + i/rate and is sent then, whether or not earlier ones were answered
// (an open loop, as webhooks arrive from Meta), and its latency counts from when
// it was due, so time spent waiting for a free connection is not hidden.
//
// autocannon (autocannon-runner.ts) is kept for the unthrottled row only: its
// rate limit lets each connection send its share at the start of every second,
// so "25/s" arrives as a burst of 25 at once, and the burst's queueing was what
// its latency figures showed.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { textWebhook } from './payloads';
import { loadWebhookNumber, REQUEST_TIMEOUT_SECONDS, type LoadResult, type LoadSpec } from './load-spec';
import { startAtFixedRate } from './pacing';
import { summarise } from './stats';

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  if (!(spec.rate > 0)) throw new Error('paced-runner needs a rate above 0');
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const url = new URL(spec.url);
  const total = Math.round(spec.rate * spec.durationSeconds);
  const latencies: number[] = [];
  const counts = { ok: 0, non2xx: 0, shed: 0, errors: 0, timeouts: 0 };
  let lastOk = 0;

  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const n = loadWebhookNumber(i);
      const webhook = textWebhook({ phoneNumberId: spec.phoneNumberId, wamid: n.wamid(spec.label), from: n.from, text: n.text, appSecret: spec.appSecret });
      let finished = false;
      // An abort after the headers arrived is reported twice (request and response): count it once.
      const finish = (outcome: keyof typeof counts) => {
        if (finished) return;
        finished = true;
        counts[outcome]++;
        const now = performance.now();
        if (outcome === 'ok') {
          lastOk = now;
          latencies.push(now - due);
        }
        resolve();
      };
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: { ...webhook.headers, 'content-length': Buffer.byteLength(webhook.body) },
          signal: AbortSignal.timeout(Math.max(1, Math.round(REQUEST_TIMEOUT_SECONDS * 1000 - (performance.now() - due)))),
        },
        (response) => {
          response.resume();
          // A 503 with Retry-After is the API shedding load (WEBHOOK_MAX_IN_FLIGHT); it is also a non-2xx.
          const outcome = response.statusCode === 200 ? 'ok' : response.statusCode === 503 && response.headers['retry-after'] ? 'shed' : 'non2xx';
          response.on('end', () => finish(outcome));
          response.on('error', () => finish('errors'));
        },
      );
      request.on('error', (err) => finish(err.name === 'TimeoutError' || err.name === 'AbortError' ? 'timeouts' : 'errors'));
      request.end(webhook.body);
    });

  const { first, finished } = await startAtFixedRate(spec.rate, total, send);
  await finished;
  agent.destroy();
  const latency = summarise(latencies);
  const result: LoadResult = {
    sent: total,
    ok: counts.ok,
    non2xx: counts.non2xx + counts.shed,
    shed: counts.shed,
    errors: counts.errors,
    timeouts: counts.timeouts,
    // Accepted per second is counted over the time webhooks were being accepted, not the give-up tail.
    durationSeconds: Math.round(((lastOk || performance.now()) - first) / 10) / 100,
    latencyMs: { p50: latency.p50, p90: latency.p90, p99: latency.p99, max: latency.max, mean: latency.mean },
  };
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
