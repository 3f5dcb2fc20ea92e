// The Temporal SDK's own metrics (task slots, poll and schedule-to-start
// latencies, the sticky cache) come from its Rust core, which serves them over
// HTTP itself. It serves them on a loopback port that only the worker's metrics
// server reads and appends to ours: Prometheus scrapes one endpoint per worker,
// and the SDK's port is never reachable from outside the process's host.
import net from 'node:net';
import type { MetricsExporterConfig } from '@temporalio/worker';

export interface RuntimeMetricsEndpoint {
  /** Where the SDK's exporter listens (host:port). */
  bindAddress: string;
  url: string;
}

/**
 * A free loopback port for the SDK's exporter. Chosen just before Runtime.install,
 * which fails at start, saying so, in the unlikely case another process took it meanwhile.
 */
export async function runtimeMetricsEndpoint(): Promise<RuntimeMetricsEndpoint> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  return { bindAddress: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/metrics` };
}

/** `telemetryOptions.metrics` for Runtime.install. The SDK's names all start with `temporal_`, ours with `wa_`. */
export function runtimeMetricsOptions(endpoint: RuntimeMetricsEndpoint): MetricsExporterConfig {
  return { metricPrefix: 'temporal_', prometheus: { bindAddress: endpoint.bindAddress } };
}

/**
 * Reads the SDK's metrics for the metrics server's `extra`. When its exporter does not
 * answer, the scrape still serves ours, with a comment saying what is missing and why.
 */
export function runtimeMetricsText(endpoint: RuntimeMetricsEndpoint, timeoutMs = 2_000): () => Promise<string> {
  return async () => {
    try {
      const response = await fetch(endpoint.url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`it answered ${response.status}`);
      return await response.text();
    } catch (err) {
      return `# Temporal SDK metrics unavailable: ${(err as Error).message}\n`;
    }
  };
}
