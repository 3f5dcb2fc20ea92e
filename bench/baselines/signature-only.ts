// Baseline 1: the least a webhook can do. Verifies the signature over the raw
// body and answers 200: no parsing, no routing, no durability. Our webhook's
// throughput and p99 are reported as ratios to this, on the same machine.
import Fastify from 'fastify';
import { isValidSignature } from '../../src/whatsapp/signature';

async function main(): Promise<void> {
  const appSecret = process.env.APP_SECRET ?? '';
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/webhook', async (request, reply) => {
    const ok = isValidSignature(request.body as Buffer, request.headers['x-hub-signature-256'], appSecret);
    return reply.code(ok ? 200 : 401).send(ok ? 'EVENT_RECEIVED' : 'bad signature');
  });
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
