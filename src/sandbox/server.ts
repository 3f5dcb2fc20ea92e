// The local stand-ins for Meta and OpenAI, served on one port. Everything they
// received can be read back as JSON under /sandbox.
import Fastify, { type FastifyInstance } from 'fastify';
import { FaultInjector } from './faults';
import { GoogleCalendarStandIn } from './google-calendar';
import { GoogleOAuthStandIn } from './google-oauth';
import { GraphApiStandIn } from './graph-api';
import { LangfuseStandIn } from './langfuse';
import { OpenAIStandIn } from './openai-api';

export interface Sandbox {
  url: string;
  graph: GraphApiStandIn;
  calendar: GoogleCalendarStandIn;
  googleOAuth: GoogleOAuthStandIn;
  openai: OpenAIStandIn;
  /** Receives agent-run traces as Langfuse does (TRACER_TYPE=langfuse without Langfuse keys in development). */
  langfuse: LangfuseStandIn;
  /** Makes the next requests to an endpoint fail, hang, or lose their answer. */
  faults: FaultInjector;
  reset(): void;
  close(): Promise<void>;
}

export interface SandboxOptions {
  host?: string;
  port?: number;
  whatsappAccessToken: string;
  googleAccessToken: string;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const graph = new GraphApiStandIn(options.whatsappAccessToken);
  const openai = new OpenAIStandIn();
  const calendar = new GoogleCalendarStandIn(options.googleAccessToken);
  const faults = new FaultInjector();
  const langfuse = new LangfuseStandIn();
  // Force-closing connections lets close() finish while a fault holds a request open.
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true });
  // First, so its hooks see every stand-in's routes.
  faults.register(app);
  graph.register(app);
  openai.register(app);
  calendar.register(app);
  langfuse.register(app);
  const googleOAuth = new GoogleOAuthStandIn((token) => calendar.acceptToken(token));
  googleOAuth.register(app);
  const reset = () => {
    graph.reset();
    openai.reset();
    calendar.reset();
    langfuse.reset();
    faults.reset();
  };
  app.get('/sandbox', async () => ({
    whatsappMessages: '/sandbox/whatsapp/messages',
    openaiRequests: '/sandbox/openai/requests',
    openaiScript: 'POST /sandbox/openai/script',
    calendarEvents: '/sandbox/calendar/events',
    langfuseTraces: '/sandbox/langfuse/traces',
    faults: ['GET /sandbox/faults', 'POST /sandbox/faults', 'DELETE /sandbox/faults'],
    googleOAuth: ['/o/oauth2/v2/auth', 'POST /token'],
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
  return { url: `http://${host}:${port}`, graph, openai, calendar, googleOAuth, langfuse, faults, reset, close: () => app.close() };
}
