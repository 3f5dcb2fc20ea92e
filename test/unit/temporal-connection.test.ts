// How the Temporal settings become connection options, and the errors that stop a
// process at start when a certificate or key cannot be used.
import fs from 'node:fs';
import path from 'node:path';
import { temporalConnectionOptions, TemporalConnectionError, type TemporalConnectionConfig } from '../../src/temporal/connection';
import { createCertificateAuthority } from '../support/tls';

const ca = createCertificateAuthority('unit');
const client = ca.issue('worker', 'client');
const other = ca.issue('other', 'client');
afterAll(() => ca.remove());

const ADDRESS = 'temporal.example.com:7233';
const options = (extra: Partial<TemporalConnectionConfig> = {}) => temporalConnectionOptions({ TEMPORAL_ADDRESS: ADDRESS, ...extra });

function connectionError(extra: Partial<TemporalConnectionConfig>): TemporalConnectionError {
  try {
    options(extra);
  } catch (err) {
    expect(err).toBeInstanceOf(TemporalConnectionError);
    return err as TemporalConnectionError;
  }
  throw new Error('no error');
}

test('nothing set: plain gRPC to the address, no key', () => {
  expect(options()).toEqual({ address: ADDRESS });
});

test('a CA, a client pair and a server name: all read from their files', () => {
  const result = options({
    TEMPORAL_TLS_CA: ca.caCert,
    TEMPORAL_TLS_CERT: client.cert,
    TEMPORAL_TLS_KEY: client.key,
    TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
  });
  expect(result).toEqual({
    address: ADDRESS,
    tls: {
      serverRootCACertificate: fs.readFileSync(ca.caCert),
      clientCertPair: { crt: fs.readFileSync(client.cert), key: fs.readFileSync(client.key) },
      serverNameOverride: 'temporal.internal',
    },
  });
});

test.each<[string, Partial<TemporalConnectionConfig>]>([
  ['an API key alone (Temporal Cloud)', { TEMPORAL_API_KEY: 'k' }],
  ['a server name alone', { TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }],
])('%s turns TLS on, trusting the system CAs', (_label, extra) => {
  expect(options(extra).tls).toEqual(extra.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: 'temporal.internal' } : {});
});

test('the API key is passed on', () => {
  expect(options({ TEMPORAL_API_KEY: 'the-key' })).toEqual({ address: ADDRESS, tls: {}, apiKey: 'the-key' });
});

describe('errors name the setting and the file, never the content', () => {
  const missing = path.join(ca.dir, 'missing.pem');
  test.each<[string, Partial<TemporalConnectionConfig>, string]>([
    [
      'a certificate without its key',
      { TEMPORAL_TLS_CERT: client.cert },
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: mutual TLS needs the client certificate and its private key',
    ],
    [
      'a key without its certificate',
      { TEMPORAL_TLS_KEY: client.key },
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: mutual TLS needs the client certificate and its private key',
    ],
    ['a CA file that does not exist', { TEMPORAL_TLS_CA: missing }, `TEMPORAL_TLS_CA: cannot read ${missing} (ENOENT)`],
    ['a directory as the certificate', { TEMPORAL_TLS_CERT: ca.dir, TEMPORAL_TLS_KEY: client.key }, `TEMPORAL_TLS_CERT: cannot read ${ca.dir} (EISDIR)`],
    ['a key file as the CA', { TEMPORAL_TLS_CA: client.key }, `TEMPORAL_TLS_CA: ${client.key} is not a PEM certificate`],
    [
      'a certificate as the key',
      { TEMPORAL_TLS_CERT: client.cert, TEMPORAL_TLS_KEY: client.cert },
      `TEMPORAL_TLS_KEY: ${client.cert} is not an unencrypted PEM private key`,
    ],
    [
      'the key of another certificate',
      { TEMPORAL_TLS_CERT: client.cert, TEMPORAL_TLS_KEY: other.key },
      'TEMPORAL_TLS_KEY is not the private key of the certificate in TEMPORAL_TLS_CERT',
    ],
  ])('%s', (_label, extra, message) => {
    const err = connectionError(extra);
    expect(err.message).toBe(message);
    for (const file of [client.key, other.key]) {
      const body = fs.readFileSync(file, 'utf8').split('\n')[1]!;
      expect(err.message).not.toContain(body);
    }
  });
});
