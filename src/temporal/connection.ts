// How every process of this system reaches the Temporal frontend: plain gRPC on a
// private network, or TLS (server CA, client certificate for mTLS, an SNI override)
// and an API key, which a server on another machine or Temporal Cloud needs. The
// options suit both the client's Connection and the worker's NativeConnection.
import fs from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config';

export type TemporalConnectionConfig = Pick<
  Config,
  'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS_CA' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_API_KEY'
>;

export interface TemporalConnectionOptions {
  address: string;
  /** Absent: plain gRPC. */
  tls?: TLSConfig;
  /** Sent as `Authorization: Bearer …` on every call. */
  apiKey?: string;
}

export class TemporalConnectionError extends Error {
  override name = 'TemporalConnectionError';
}

/** Reads the PEM files the settings name; throws TemporalConnectionError naming the setting (never the file's content). */
export function temporalConnectionOptions(config: TemporalConnectionConfig): TemporalConnectionOptions {
  const { TEMPORAL_ADDRESS: address, TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_API_KEY } = config;
  const tlsWanted = Boolean(TEMPORAL_TLS_CA || TEMPORAL_TLS_CERT || TEMPORAL_TLS_KEY || TEMPORAL_TLS_SERVER_NAME || TEMPORAL_API_KEY);
  if (!tlsWanted) return { address };
  if (Boolean(TEMPORAL_TLS_CERT) !== Boolean(TEMPORAL_TLS_KEY)) {
    throw new TemporalConnectionError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: mutual TLS needs the client certificate and its private key');
  }
  const tls: TLSConfig = {};
  if (TEMPORAL_TLS_CA) tls.serverRootCACertificate = readCertificate('TEMPORAL_TLS_CA', TEMPORAL_TLS_CA);
  if (TEMPORAL_TLS_CERT && TEMPORAL_TLS_KEY) {
    const crt = readCertificate('TEMPORAL_TLS_CERT', TEMPORAL_TLS_CERT);
    const key = readPrivateKey(TEMPORAL_TLS_KEY);
    if (!new X509Certificate(crt).checkPrivateKey(createPrivateKey(key))) {
      throw new TemporalConnectionError('TEMPORAL_TLS_KEY is not the private key of the certificate in TEMPORAL_TLS_CERT');
    }
    tls.clientCertPair = { crt, key };
  }
  if (TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = TEMPORAL_TLS_SERVER_NAME;
  // An API key is a bearer secret: it never travels over plain gRPC, so it turns TLS on (as Temporal Cloud requires).
  return { address, tls, ...(TEMPORAL_API_KEY ? { apiKey: TEMPORAL_API_KEY } : {}) };
}

function readFile(setting: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new TemporalConnectionError(`${setting}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function readCertificate(setting: string, file: string): Buffer {
  const pem = readFile(setting, file);
  try {
    new X509Certificate(pem);
  } catch {
    throw new TemporalConnectionError(`${setting}: ${file} is not a PEM certificate`);
  }
  return pem;
}

function readPrivateKey(file: string): Buffer {
  const pem = readFile('TEMPORAL_TLS_KEY', file);
  try {
    createPrivateKey(pem);
  } catch {
    throw new TemporalConnectionError(`TEMPORAL_TLS_KEY: ${file} is not an unencrypted PEM private key`);
  }
  return pem;
}
