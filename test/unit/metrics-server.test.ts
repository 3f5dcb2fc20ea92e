// The metrics endpoint on a real socket: GET /metrics in the registry's text
// format with the SDK's metrics appended, nothing else; ours still served when
// the SDK's exporter is gone, and never two families of one name.
import http from 'node:http';
import { Counter, Registry } from 'prom-client';
import { startMetricsServer, withoutFamilies, type MetricsServer } from '../../src/observability/metrics-server';
import { runtimeMetricsEndpoint, runtimeMetricsText } from '../../src/observability/metrics-runtime';
import { sampleSum } from '../support/prometheus';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function registryWithOneCounter(): Registry {
  const registry = new Registry();
  new Counter({ name: 'wa_things_total', help: 'Things.', registers: [registry] }).inc(3);
  return registry;
}

async function serve(registry: Registry, extra?: () => Promise<string>): Promise<string> {
  const server: MetricsServer = await startMetricsServer({ host: '127.0.0.1', port: 0, registry, extra });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

/** A stand-in for the SDK's exporter, answering with this text. */
async function exporter(text: string): Promise<string> {
  const server = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
}

const SDK_TEXT = [
  '# HELP temporal_request Client requests.',
  '# TYPE temporal_request counter',
  'temporal_request{operation="StartWorkflowExecution"} 2',
  '# HELP wa_things_total A name of ours, which the SDK must not serve again.',
  '# TYPE wa_things_total counter',
  'wa_things_total 99',
  '# HELP temporal_poll_latency Poll latency.',
  '# TYPE temporal_poll_latency histogram',
  'temporal_poll_latency_bucket{le="100"} 1',
  'temporal_poll_latency_bucket{le="+Inf"} 1',
  'temporal_poll_latency_sum 40',
  'temporal_poll_latency_count 1',
  '',
].join('\n');

test('GET /metrics answers the registry in its text format and content type', async () => {
  const registry = registryWithOneCounter();
  const response = await fetch(`${await serve(registry)}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(registry.contentType);
  expect(registry.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(sampleSum(await response.text(), 'wa_things_total')).toBe(3);
});

test.each([
  ['GET', '/'],
  ['GET', '/metrics/x'],
  ['GET', '/webhook'],
  ['POST', '/metrics'],
  ['DELETE', '/metrics'],
])('%s %s is not found', async (method, pathname) => {
  expect((await fetch(`${await serve(registryWithOneCounter())}${pathname}`, { method })).status).toBe(404);
});

test("the SDK's metrics are appended; a family we already serve is not served twice", async () => {
  const endpoint = { bindAddress: '', url: await exporter(SDK_TEXT) };
  const text = await (await fetch(`${await serve(registryWithOneCounter(), runtimeMetricsText(endpoint))}/metrics`)).text();
  expect(sampleSum(text, 'temporal_request', { operation: 'StartWorkflowExecution' })).toBe(2);
  expect(sampleSum(text, 'temporal_poll_latency_count')).toBe(1);
  expect(sampleSum(text, 'wa_things_total')).toBe(3);
  expect(text.match(/^# TYPE wa_things_total /gm)).toHaveLength(1);
});

test("with the SDK's exporter gone, ours are still served, with a comment saying what is missing", async () => {
  // A port that was free a moment ago: nothing listens there.
  const gone = await runtimeMetricsEndpoint();
  const response = await fetch(`${await serve(registryWithOneCounter(), runtimeMetricsText(gone, 500))}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(sampleSum(text, 'wa_things_total')).toBe(3);
  expect(text).toMatch(/^# Temporal SDK metrics unavailable: /m);
});

test('runtimeMetricsEndpoint names a loopback port nobody listens on', async () => {
  const { bindAddress, url } = await runtimeMetricsEndpoint();
  expect(bindAddress).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(url).toBe(`http://${bindAddress}/metrics`);
  await expect(fetch(url)).rejects.toThrow();
});

test.each<[string, string[], string[]]>([
  ['a declared family with its histogram samples', ['temporal_poll_latency'], ['temporal_request', 'wa_things_total']],
  ['a counter', ['temporal_request'], ['wa_things_total', 'temporal_poll_latency_bucket', 'temporal_poll_latency_sum', 'temporal_poll_latency_count']],
  ['nothing', [], ['temporal_request', 'wa_things_total', 'temporal_poll_latency_bucket']],
])('withoutFamilies drops %s', (_what, dropped, kept) => {
  const text = withoutFamilies(SDK_TEXT, new Set(dropped));
  for (const name of dropped) expect(text).not.toContain(name);
  for (const name of kept) expect(text).toContain(`\n${name}`);
});

test('withoutFamilies treats a sample without # HELP or # TYPE as a family of its own', () => {
  expect(withoutFamilies('# TYPE a counter\na 1\nb 2\n', new Set(['b']))).toBe('# TYPE a counter\na 1\n');
});
