// Fault injection for the stand-ins: "the next N requests to this endpoint fail
// like this". Faults act at the HTTP layer, so the real openai, googleapis and
// fetch clients see exactly what they would see from the real services: an
// error status with the service's own error body and headers, a request that
// never answers, or — the hard case for exactly-once — a request that takes
// effect but whose answer never arrives.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Endpoints that faults can target, named after what they do. */
export const FAULT_ENDPOINTS = {
  'openai.chat': { method: 'POST', url: '/v1/chat/completions' },
  'whatsapp.send': { method: 'POST', url: '/:version/:phoneNumberId/messages', when: (body: unknown) => !isReadReceipt(body) },
  'whatsapp.read': { method: 'POST', url: '/:version/:phoneNumberId/messages', when: isReadReceipt },
  'calendar.list': { method: 'GET', url: '/calendar/v3/calendars/:calendarId/events' },
  'calendar.get': { method: 'GET', url: '/calendar/v3/calendars/:calendarId/events/:eventId' },
  'calendar.insert': { method: 'POST', url: '/calendar/v3/calendars/:calendarId/events' },
  'calendar.patch': { method: 'PATCH', url: '/calendar/v3/calendars/:calendarId/events/:eventId' },
  'calendar.delete': { method: 'DELETE', url: '/calendar/v3/calendars/:calendarId/events/:eventId' },
  'calendar.freebusy': { method: 'POST', url: '/calendar/v3/freeBusy' },
} as const satisfies Record<string, { method: string; url: string; when?: (body: unknown) => boolean }>;

export type FaultEndpoint = keyof typeof FAULT_ENDPOINTS;

export type FaultBehaviour =
  /** Answer with this status, body and headers instead of handling the request. */
  | { respond: { status: number; body?: unknown; headers?: Record<string, string> } }
  /** Never answer; the request has no effect. The client's timeout decides what happens. */
  | { hang: 'before' }
  /** Handle the request (its effect happens) but never send the answer. */
  | { hang: 'after' }
  /** Handle the request normally, after this many milliseconds. */
  | { delayMs: number };

export type Fault = FaultBehaviour & {
  endpoint: FaultEndpoint;
  /** How many matching requests are affected; 1 by default. */
  times?: number;
  /** How many matching requests pass untouched before the fault applies; 0 by default. */
  skip?: number;
};

export interface FaultHit {
  endpoint: FaultEndpoint;
  behaviour: 'respond' | 'hang-before' | 'hang-after' | 'delay';
  at: string;
}

interface PendingFault {
  endpoint: FaultEndpoint;
  behaviour: FaultBehaviour;
  remaining: number;
  skip: number;
}

const NEVER = new Promise<never>(() => {});

export class FaultInjector {
  private pending: PendingFault[] = [];
  /** Every fault that fired, in order: tests wait on this to know the moment has come. */
  readonly hits: FaultHit[] = [];
  private readonly waiters: Array<{ endpoint: FaultEndpoint; resolve: () => void }> = [];

  inject(fault: Fault): void {
    if (!(fault.endpoint in FAULT_ENDPOINTS)) throw new Error(`Unknown fault endpoint "${fault.endpoint}"`);
    const { endpoint, times, skip, ...behaviour } = fault;
    this.pending.push({ endpoint, behaviour: behaviour as FaultBehaviour, remaining: times ?? 1, skip: skip ?? 0 });
  }

  /** Resolves when a fault on this endpoint has fired (now or already). */
  whenHit(endpoint: FaultEndpoint): Promise<void> {
    if (this.hits.some((hit) => hit.endpoint === endpoint)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ endpoint, resolve }));
  }

  reset(): void {
    this.pending = [];
    this.hits.length = 0;
  }

  register(app: FastifyInstance): void {
    // preHandler runs after the body is parsed, so a fault can tell a send from a read receipt.
    app.addHook('preHandler', async (request, reply) => {
      const fault = this.take(request);
      if (!fault) return;
      if ('respond' in fault.behaviour) {
        this.record(fault.endpoint, 'respond');
        const { status, body, headers } = fault.behaviour.respond;
        return reply
          .code(status)
          .headers(headers ?? {})
          .send(body ?? {});
      }
      if ('delayMs' in fault.behaviour) {
        this.record(fault.endpoint, 'delay');
        await new Promise((resolve) => setTimeout(resolve, (fault.behaviour as { delayMs: number }).delayMs));
        return;
      }
      if (fault.behaviour.hang === 'before') {
        this.record(fault.endpoint, 'hang-before');
        return NEVER;
      }
      hangingAfter.add(request);
    });
    app.addHook('onSend', async (request) => {
      if (!hangingAfter.has(request)) return;
      const endpoint = this.endpointOf(request);
      if (endpoint) this.record(endpoint, 'hang-after');
      return NEVER;
    });

    app.get('/sandbox/faults', async () => ({ pending: this.pending, hits: this.hits, endpoints: Object.keys(FAULT_ENDPOINTS) }));
    app.post('/sandbox/faults', async (request, reply) => {
      const fault = request.body as Fault | undefined;
      const problem = describeProblem(fault);
      if (problem) return reply.code(400).send({ error: problem });
      this.inject(fault as Fault);
      return { pending: this.pending.length };
    });
    app.delete('/sandbox/faults', async () => {
      this.reset();
      return { reset: true };
    });
  }

  private take(request: FastifyRequest): PendingFault | undefined {
    const endpoint = this.endpointOf(request);
    if (!endpoint) return undefined;
    const fault = this.pending.find((f) => f.endpoint === endpoint && f.remaining > 0);
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip--;
      return undefined;
    }
    fault.remaining--;
    this.pending = this.pending.filter((f) => f.remaining > 0);
    return fault;
  }

  private endpointOf(request: FastifyRequest): FaultEndpoint | undefined {
    const url = request.routeOptions.url;
    for (const [name, spec] of Object.entries(FAULT_ENDPOINTS) as Array<[FaultEndpoint, (typeof FAULT_ENDPOINTS)[FaultEndpoint]]>) {
      if (spec.method === request.method && spec.url === url && (!('when' in spec) || spec.when(request.body))) return name;
    }
    return undefined;
  }

  private record(endpoint: FaultEndpoint, behaviour: FaultHit['behaviour']): void {
    this.hits.push({ endpoint, behaviour, at: new Date().toISOString() });
    for (const waiter of this.waiters.filter((w) => w.endpoint === endpoint)) waiter.resolve();
    this.waiters.splice(0, this.waiters.length, ...this.waiters.filter((w) => w.endpoint !== endpoint));
  }
}

/** Requests whose effect has happened and whose answer is being withheld. */
const hangingAfter = new WeakSet<FastifyRequest>();

function isReadReceipt(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { status?: unknown }).status !== undefined;
}

function describeProblem(fault: Fault | undefined): string | undefined {
  if (!fault || typeof fault !== 'object') return 'Expected a JSON object';
  if (!(fault.endpoint in FAULT_ENDPOINTS)) return `"endpoint" must be one of ${Object.keys(FAULT_ENDPOINTS).join(', ')}`;
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) return '"times" must be a positive integer';
  if (fault.skip !== undefined && !(Number.isInteger(fault.skip) && fault.skip >= 0)) return '"skip" must be a whole number';
  const kinds = [
    'respond' in fault && typeof fault.respond?.status === 'number',
    'hang' in fault && (fault.hang === 'before' || fault.hang === 'after'),
    'delayMs' in fault && Number.isInteger(fault.delayMs) && fault.delayMs >= 0,
  ].filter(Boolean).length;
  if (kinds !== 1) return 'Give exactly one of "respond": { "status", "body"?, "headers"? }, "hang": "before" | "after", or "delayMs": <milliseconds>';
  return undefined;
}
