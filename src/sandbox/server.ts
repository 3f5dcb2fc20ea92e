// The local stand-ins for Meta and OpenAI, served on one port. Everything they
// received can be read back as JSON under /sandbox.
import Fastify, { type FastifyInstance } from 'fastify';
import { GraphApiStandIn } from './graph-api';
import { OpenAIStandIn } from './openai-api';

export interface Sandbox {
  url: string;
  graph: GraphApiStandIn;
  openai: OpenAIStandIn;
  reset(): void;
  close(): Promise<void>;
}

export interface SandboxOptions {
  host?: string;
  port?: number;
  whatsappAccessToken: string;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const graph = new GraphApiStandIn(options.whatsappAccessToken);
  const openai = new OpenAIStandIn();
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  graph.register(app);
  openai.register(app);
  const reset = () => {
    graph.reset();
    openai.reset();
  };
  app.get('/sandbox', async () => ({
    whatsappMessages: '/sandbox/whatsapp/messages',
    openaiRequests: '/sandbox/openai/requests',
    openaiScript: 'POST /sandbox/openai/script',
    reset: 'DELETE /sandbox',
  }));
  app.delete('/sandbox', async () => {
    reset();
    return { reset: true };
  });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${host}:${port}`, graph, openai, reset, close: () => app.close() };
}
