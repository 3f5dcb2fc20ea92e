// How fast this Temporal server can start workflows at all: a bare client, no
// HTTP, no signature, no database, 100 starts in flight, each with the same
// search attribute ours carry. Our webhook cannot accept faster than this, so
// it is the evidence for what limits ingestion on this machine.
import type { Client } from '@temporalio/client';
import { BUSINESS_ID } from '../../src/workflows/search-attributes';
import { startAtFixedRate } from './pacing';
import { summarise, type Distribution } from './stats';

export async function measureStartCeiling(temporal: Client, total: number, label: string): Promise<{ startsPerSecond: number; latencyMs: Distribution }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        // A workflow type no worker polls for: the start is all that is measured.
        await temporal.workflow.start('benchmarkStartOnly', {
          taskQueue: 'bench-nobody',
          workflowId: `bench-ceiling-${label}-${i}`,
          typedSearchAttributes: [{ key: BUSINESS_ID, value: `ceiling-${label}` }],
        });
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { startsPerSecond: Math.round(total / ((performance.now() - started) / 1000)), latencyMs: summarise(latencies) };
}

/**
 * The same bare starts, offered at a fixed rate instead of as fast as possible:
 * the latency the server itself gives at a load it can easily carry, to set
 * against our webhook's acknowledgement latency at that rate.
 */
export async function measureStartLatencyAtRate(
  temporal: Client,
  rate: number,
  total: number,
  label: string,
): Promise<{ offeredPerSecond: number; latencyMs: Distribution; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  // Timed from when each was due, as the paced webhook generator times ours.
  const { finished } = await startAtFixedRate(rate, total, (i, due) =>
    temporal
      .withDeadline(Date.now() + 10_000, () =>
        temporal.workflow.start('benchmarkStartOnly', {
          taskQueue: 'bench-nobody',
          workflowId: `bench-paced-${label}-${i}`,
          typedSearchAttributes: [{ key: BUSINESS_ID, value: `paced-${label}` }],
        }),
      )
      .then(
        () => void latencies.push(performance.now() - due),
        () => void failed++,
      ),
  );
  await finished;
  return { offeredPerSecond: rate, latencyMs: summarise(latencies), failed };
}
