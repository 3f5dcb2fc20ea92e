// Our Temporal clients over TLS, mutual TLS and with an API key, against the test's
// real Temporal dev server behind a TLS-terminating proxy (the dev server itself has
// no TLS options): the client's Connection and the worker's NativeConnection both
// connect with the right certificates and are refused without them.
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { temporalConnectionOptions, type TemporalConnectionConfig } from '../../src/temporal/connection';
import { createCertificateAuthority, SERVER_NAME, startHeaderRecorder, startTlsProxy, type TlsFrontend } from '../support/tls';

jest.setTimeout(60_000);

const temporalAddress = () => process.env.TEST_TEMPORAL_ADDRESS!;

const ca = createCertificateAuthority('trusted');
const otherCa = createCertificateAuthority('untrusted');
const serverCert = ca.issue('server', 'server');
const clientCert = ca.issue('worker', 'client');
const strangerCert = otherCa.issue('stranger', 'client');
const frontends: TlsFrontend[] = [];

afterAll(async () => {
  await Promise.all(frontends.map((f) => f.close()));
  ca.remove();
  otherCa.remove();
});

/** The settings as a deployment would give them, read through loadConfig. */
function settings(port: number, env: Record<string, string>): TemporalConnectionConfig {
  return loadConfig({ NODE_ENV: 'development', TEMPORAL_ADDRESS: `127.0.0.1:${port}`, ...env });
}

/** Connects both kinds of connection and asks the server who it is; the error message when refused. */
async function reach(config: TemporalConnectionConfig): Promise<{ client: string; worker: string }> {
  const options = temporalConnectionOptions(config);
  const client = await Connection.connect({ ...options, connectTimeout: 3_000 })
    .then(async (connection) => {
      try {
        const info = await connection.workflowService.getSystemInfo({});
        return info.serverVersion ? 'connected' : 'no answer';
      } finally {
        await connection.close();
      }
    })
    .catch((err: Error) => `refused: ${err.message}`);
  const worker = await NativeConnection.connect(options)
    .then(async (connection) => {
      try {
        const info = await connection.workflowService.getSystemInfo({});
        return info.serverVersion ? 'connected' : 'no answer';
      } finally {
        await connection.close();
      }
    })
    .catch((err: Error) => `refused: ${err.message}`);
  return { client, worker };
}

describe('TLS (the server proves who it is)', () => {
  let proxy: TlsFrontend;
  beforeAll(async () => {
    proxy = await startTlsProxy({ upstream: temporalAddress(), server: serverCert });
    frontends.push(proxy);
  });

  test('with the CA that issued the server certificate and its name, both connections work', async () => {
    expect(await reach(settings(proxy.port, { TEMPORAL_TLS_CA: ca.caCert, TEMPORAL_TLS_SERVER_NAME: SERVER_NAME }))).toEqual({
      client: 'connected',
      worker: 'connected',
    });
  });

  test('with another CA, both refuse the server', async () => {
    const result = await reach(settings(proxy.port, { TEMPORAL_TLS_CA: otherCa.caCert, TEMPORAL_TLS_SERVER_NAME: SERVER_NAME }));
    expect(result.client).toMatch(/^refused/);
    expect(result.worker).toMatch(/^refused/);
  });

  test('trusting only the system CAs, both refuse a private certificate', async () => {
    const result = await reach(settings(proxy.port, { TEMPORAL_TLS_SERVER_NAME: SERVER_NAME }));
    expect(result.client).toMatch(/^refused/);
    expect(result.worker).toMatch(/^refused/);
  });

  test('a name the certificate was not issued for is refused', async () => {
    const result = await reach(settings(proxy.port, { TEMPORAL_TLS_CA: ca.caCert, TEMPORAL_TLS_SERVER_NAME: 'someone-else.test' }));
    expect(result.client).toMatch(/^refused/);
    expect(result.worker).toMatch(/^refused/);
  });

  test('without TLS settings, plain gRPC does not get through', async () => {
    const result = await reach(settings(proxy.port, {}));
    expect(result.client).toMatch(/^refused/);
    expect(result.worker).toMatch(/^refused/);
  });
});

describe('mutual TLS (the client proves who it is too)', () => {
  let proxy: TlsFrontend;
  beforeAll(async () => {
    proxy = await startTlsProxy({ upstream: temporalAddress(), server: serverCert, clientCa: ca.caCert });
    frontends.push(proxy);
  });

  const trusted = () => ({ TEMPORAL_TLS_CA: ca.caCert, TEMPORAL_TLS_SERVER_NAME: SERVER_NAME });

  test('with a client certificate the server trusts, both connections work', async () => {
    expect(await reach(settings(proxy.port, { ...trusted(), TEMPORAL_TLS_CERT: clientCert.cert, TEMPORAL_TLS_KEY: clientCert.key }))).toEqual({
      client: 'connected',
      worker: 'connected',
    });
  });

  test('without a client certificate, the server refuses both', async () => {
    const before = proxy.refusedHandshakes();
    const result = await reach(settings(proxy.port, trusted()));
    expect(result.client).toMatch(/^refused/);
    expect(result.worker).toMatch(/^refused/);
    expect(proxy.refusedHandshakes()).toBeGreaterThan(before);
  });

  test('with a client certificate from another CA, the server refuses both', async () => {
    const before = proxy.refusedHandshakes();
    const result = await reach(settings(proxy.port, { ...trusted(), TEMPORAL_TLS_CERT: strangerCert.cert, TEMPORAL_TLS_KEY: strangerCert.key }));
    expect(result.client).toMatch(/^refused/);
    expect(result.worker).toMatch(/^refused/);
    expect(proxy.refusedHandshakes()).toBeGreaterThan(before);
  });
});

describe('API key', () => {
  test('both connections send it as a bearer token, over TLS', async () => {
    const recorder = await startHeaderRecorder(serverCert);
    frontends.push(recorder);
    const apiKey = 'test-api-key-7c1d';
    const result = await reach(settings(recorder.port, { TEMPORAL_TLS_CA: ca.caCert, TEMPORAL_TLS_SERVER_NAME: SERVER_NAME, TEMPORAL_API_KEY: apiKey }));
    // The recorder answers UNAUTHENTICATED to everything: what matters is what it was sent.
    expect(result.client).toMatch(/^refused/);
    expect(result.worker).toMatch(/^refused/);
    const userAgents = recorder.headers.map((h) => String(h['user-agent']));
    expect(recorder.headers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(recorder.headers.map((h) => h.authorization))).toEqual(new Set([`Bearer ${apiKey}`]));
    // One from each: grpc-js (the client) and the Rust core (the worker).
    expect(userAgents.some((ua) => ua.includes('grpc-node-js'))).toBe(true);
    expect(userAgents.some((ua) => !ua.includes('grpc-node-js'))).toBe(true);
  });

  test('an API key alone turns TLS on: it is never sent to a plain-text server', async () => {
    const result = await reach(settings(Number(temporalAddress().split(':')[1]), { TEMPORAL_API_KEY: 'test-api-key-7c1d' }));
    expect(result.client).toMatch(/^refused/);
    expect(result.worker).toMatch(/^refused/);
  });
});
