// GET /metrics for Prometheus, on a port of its own: the metrics name
// businesses and their volumes, so they are never served on the API's public
// port, and the worker has no HTTP server otherwise.
import type { Registry } from 'prom-client';
import { startSidePortServer, type SidePortServer } from './side-port-server';

export type MetricsServer = SidePortServer;

export interface MetricsServerOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  registry: Registry;
  /** More metrics in the text format, appended to the registry's on every scrape (the Temporal SDK's). */
  extra?: () => Promise<string>;
}

export async function startMetricsServer({ host, port, registry, extra }: MetricsServerOptions): Promise<MetricsServer> {
  return startSidePortServer({
    host,
    port,
    path: '/metrics',
    answer: (response) =>
      void scrape(registry, extra).then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`Metrics could not be collected: ${err.message}\n`),
      ),
  });
}

async function scrape(registry: Registry, extra: MetricsServerOptions['extra']): Promise<string> {
  const [ours, theirs] = await Promise.all([registry.metrics(), extra?.() ?? '']);
  if (!theirs) return ours;
  const names = new Set((await registry.getMetricsAsJSON()).map((metric) => metric.name));
  return `${ours.endsWith('\n') ? ours : `${ours}\n`}${withoutFamilies(theirs, names)}`;
}

/**
 * The text-format exposition without the metric families named in `names`: a
 * family served twice is invalid, and ours win. A family is its # HELP and # TYPE
 * lines and the samples after them (a histogram's _bucket, _sum and _count too).
 */
export function withoutFamilies(text: string, names: Set<string>): string {
  let family: string | undefined;
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const declared = /^# (?:HELP|TYPE) (\S+)/.exec(line)?.[1];
    if (declared) family = declared;
    else if (line && !line.startsWith('#')) {
      const sample = /^[^{\s]+/.exec(line)![0];
      // A sample outside the declared family is a family of its own, undeclared.
      if (!family || !sample.startsWith(family)) family = sample;
    }
    if (!line || !family || !names.has(family)) kept.push(line);
  }
  return kept.join('\n');
}
