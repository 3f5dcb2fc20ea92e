// Throwaway TLS material made with openssl, and two servers that put TLS in front
// of the test's Temporal dev server (which speaks only plain gRPC): a TCP proxy
// that terminates TLS (optionally requiring a client certificate), and an HTTP/2
// endpoint that records the headers of the calls it receives.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

/** The name the server certificate is issued for (besides 127.0.0.1). */
export const SERVER_NAME = 'temporal.test';

export interface CertificateAuthority {
  dir: string;
  /** PEM file paths. */
  caCert: string;
  caKey: string;
  /** A certificate and key signed by this CA; `kind` sets its extended key usage. */
  issue(name: string, kind: 'server' | 'client'): { cert: string; key: string };
}

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A new CA in its own temporary directory; `remove()` deletes it with everything it issued. */
export function createCertificateAuthority(label: string): CertificateAuthority & { remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tls-${label}-`));
  openssl(
    dir,
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    `/CN=${label} test CA`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  return {
    dir,
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca.key'),
    issue(name, kind) {
      const extensions = [
        kind === 'server' ? `subjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1` : `subjectAltName=DNS:${name}`,
        `extendedKeyUsage=${kind === 'server' ? 'serverAuth' : 'clientAuth'}`,
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
      ];
      fs.writeFileSync(path.join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
      openssl(dir, 'req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      openssl(
        dir,
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
      );
      return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsFrontend {
  port: number;
  /** TLS handshakes that failed (a client without a certificate, or one the server does not trust). */
  refusedHandshakes(): number;
  close(): Promise<void>;
}

/**
 * Terminates TLS on a free port of 127.0.0.1 and pipes the plain bytes to `upstream` (host:port).
 * With `clientCa`, only clients presenting a certificate signed by it get through (mutual TLS).
 */
export async function startTlsProxy({
  upstream,
  server,
  clientCa,
}: {
  upstream: string;
  server: { cert: string; key: string };
  clientCa?: string;
}): Promise<TlsFrontend> {
  const [host, port] = upstream.split(':');
  const sockets = new Set<net.Socket>();
  let refused = 0;
  const proxy = tls.createServer(
    {
      cert: fs.readFileSync(server.cert),
      key: fs.readFileSync(server.key),
      // gRPC runs over HTTP/2, which clients negotiate by ALPN.
      ALPNProtocols: ['h2'],
      ...(clientCa ? { ca: fs.readFileSync(clientCa), requestCert: true, rejectUnauthorized: true } : {}),
    },
    (client) => {
      const backend = net.connect({ host, port: Number(port) });
      for (const socket of [client, backend]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          backend.destroy();
        });
      }
      client.pipe(backend).pipe(client);
    },
  );
  proxy.on('tlsClientError', () => refused++);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as net.AddressInfo).port,
    refusedHandshakes: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

/** An HTTP/2 server over TLS that answers every gRPC call with UNAUTHENTICATED and keeps the headers it was sent. */
export async function startHeaderRecorder(server: { cert: string; key: string }): Promise<TlsFrontend & { headers: http2.IncomingHttpHeaders[] }> {
  const headers: http2.IncomingHttpHeaders[] = [];
  let refused = 0;
  const recorder = http2.createSecureServer({ cert: fs.readFileSync(server.cert), key: fs.readFileSync(server.key) });
  recorder.on('stream', (stream, received) => {
    headers.push(received);
    // A trailers-only gRPC answer: status 16 is UNAUTHENTICATED.
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'recorded' }, { endStream: true });
  });
  recorder.on('tlsClientError', () => refused++);
  const sessions = new Set<http2.ServerHttp2Session>();
  recorder.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  return {
    headers,
    port: (recorder.address() as net.AddressInfo).port,
    refusedHandshakes: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        recorder.close(() => resolve());
      }),
  };
}
