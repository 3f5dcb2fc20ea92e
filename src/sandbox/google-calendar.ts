// Stand-in for the Google Calendar v3 API, enough of it for the booking tools
// and with Google's semantics where correctness depends on them: client-chosen
// event IDs (409 on a repeat), etags with If-Match (412), deletes that answer
// 410 the second time, private extended-property filters and freeBusy.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';

interface EventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface CalendarEvent {
  kind: 'calendar#event';
  id: string;
  etag: string;
  status: 'confirmed' | 'cancelled';
  summary?: string;
  description?: string;
  start: EventTime;
  end: EventTime;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  created: string;
  updated: string;
  calendarId: string;
}

const EVENT_ID = /^[a-v0-9]{5,1024}$/;
const BASE = '/calendar/v3/calendars/:calendarId';

export class GoogleCalendarStandIn {
  private readonly calendars = new Map<string, Map<string, CalendarEvent>>();
  private version = 1;
  private readonly accessTokens: Set<string>;

  constructor(accessToken: string) {
    this.accessTokens = new Set([accessToken]);
  }

  /** Tokens issued by the OAuth stand-in are accepted too. */
  acceptToken(token: string): void {
    this.accessTokens.add(token);
  }

  /** Every event, deleted ones included (status "cancelled"), as JSON for people and tests. */
  allEvents(): CalendarEvent[] {
    return [...this.calendars.values()].flatMap((events) => [...events.values()]);
  }

  liveEvents(calendarId?: string): CalendarEvent[] {
    return this.allEvents().filter((e) => e.status === 'confirmed' && (!calendarId || e.calendarId === calendarId));
  }

  reset(): void {
    this.calendars.clear();
  }

  register(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/calendar/v3/')) return;
      const token = request.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !this.accessTokens.has(token)) {
        return reply.code(401).send(googleError(401, 'Request had invalid authentication credentials.', 'authError'));
      }
    });

    app.get<{ Params: { calendarId: string }; Querystring: Record<string, string | string[] | undefined> }>(`${BASE}/events`, async (request) => {
      const q = request.query;
      const timeMin = q.timeMin ? Date.parse(String(q.timeMin)) : -Infinity;
      const timeMax = q.timeMax ? Date.parse(String(q.timeMax)) : Infinity;
      const filters = ([] as string[]).concat(q.privateExtendedProperty ?? []).map((f) => f.split('=') as [string, string]);
      let items = [...this.calendar(request.params.calendarId).values()]
        .filter((e) => q.showDeleted === 'true' || e.status === 'confirmed')
        // Google's time filter: events that end after timeMin and start before timeMax.
        .filter((e) => instant(e.end) > timeMin && instant(e.start) < timeMax)
        .filter((e) => filters.every(([key, value]) => e.extendedProperties?.private?.[key] === value));
      if (q.orderBy === 'startTime') items = items.sort((a, b) => instant(a.start) - instant(b.start));
      const maxResults = q.maxResults ? Number(q.maxResults) : 250;
      return { kind: 'calendar#events', summary: request.params.calendarId, items: items.slice(0, maxResults).map(publicView) };
    });

    app.get<{ Params: { calendarId: string; eventId: string } }>(`${BASE}/events/:eventId`, async (request, reply) => {
      const event = this.calendar(request.params.calendarId).get(request.params.eventId);
      if (!event) return notFound(reply);
      return publicView(event);
    });

    app.post<{ Params: { calendarId: string }; Body: Partial<CalendarEvent> }>(`${BASE}/events`, async (request, reply) => {
      const body = request.body ?? {};
      const id = body.id ?? randomBytes(16).toString('hex').replace(/[w-z]/g, 'a');
      if (!EVENT_ID.test(id)) return reply.code(400).send(googleError(400, 'Invalid resource id value.', 'invalid'));
      const problem = validateTimes(body);
      if (problem) return reply.code(400).send(googleError(400, problem, 'invalid'));
      const events = this.calendar(request.params.calendarId);
      // Google keeps the IDs of deleted events too: an ID can be used once.
      if (events.has(id)) return reply.code(409).send(googleError(409, 'The requested identifier already exists.', 'duplicate'));
      const now = new Date().toISOString();
      const event: CalendarEvent = {
        kind: 'calendar#event',
        id,
        etag: this.nextEtag(),
        status: 'confirmed',
        summary: body.summary,
        description: body.description,
        start: body.start!,
        end: body.end!,
        extendedProperties: body.extendedProperties,
        created: now,
        updated: now,
        calendarId: request.params.calendarId,
      };
      events.set(id, event);
      return publicView(event);
    });

    app.patch<{ Params: { calendarId: string; eventId: string }; Body: Partial<CalendarEvent> }>(`${BASE}/events/:eventId`, async (request, reply) => {
      const event = this.calendar(request.params.calendarId).get(request.params.eventId);
      if (!event) return notFound(reply);
      const ifMatch = request.headers['if-match'];
      if (ifMatch && ifMatch !== event.etag) return reply.code(412).send(googleError(412, 'Precondition Failed', 'conditionNotMet'));
      const body = request.body ?? {};
      const merged = { ...event, ...pick(body, ['summary', 'description', 'start', 'end', 'status']) };
      if (body.extendedProperties?.private) {
        merged.extendedProperties = { ...event.extendedProperties, private: { ...event.extendedProperties?.private, ...body.extendedProperties.private } };
      }
      const problem = validateTimes(merged);
      if (problem) return reply.code(400).send(googleError(400, problem, 'invalid'));
      Object.assign(event, merged, { etag: this.nextEtag(), updated: new Date().toISOString() });
      return publicView(event);
    });

    app.delete<{ Params: { calendarId: string; eventId: string } }>(`${BASE}/events/:eventId`, async (request, reply) => {
      const event = this.calendar(request.params.calendarId).get(request.params.eventId);
      if (!event) return notFound(reply);
      if (event.status === 'cancelled') return reply.code(410).send(googleError(410, 'Resource has been deleted', 'deleted'));
      Object.assign(event, { status: 'cancelled', etag: this.nextEtag(), updated: new Date().toISOString() });
      return reply.code(204).send();
    });

    app.post<{ Body: { timeMin?: string; timeMax?: string; items?: Array<{ id: string }> } }>('/calendar/v3/freeBusy', async (request, reply) => {
      const { timeMin, timeMax, items } = request.body ?? {};
      if (!timeMin || !timeMax || !Array.isArray(items)) return reply.code(400).send(googleError(400, 'Missing timeMin, timeMax or items.', 'required'));
      const [from, to] = [Date.parse(timeMin), Date.parse(timeMax)];
      const calendars = Object.fromEntries(
        items.map(({ id }) => [
          id,
          {
            busy: this.liveEvents(id)
              .filter((e) => instant(e.end) > from && instant(e.start) < to)
              .sort((a, b) => instant(a.start) - instant(b.start))
              .map((e) => ({ start: new Date(instant(e.start)).toISOString(), end: new Date(instant(e.end)).toISOString() })),
          },
        ]),
      );
      return { kind: 'calendar#freeBusy', timeMin, timeMax, calendars };
    });

    app.get('/sandbox/calendar/events', async () => ({ events: this.allEvents() }));
  }

  private calendar(calendarId: string): Map<string, CalendarEvent> {
    let events = this.calendars.get(calendarId);
    if (!events) {
      events = new Map();
      this.calendars.set(calendarId, events);
    }
    return events;
  }

  private nextEtag(): string {
    return `"${Date.now()}${String(this.version++).padStart(6, '0')}"`;
  }
}

function instant(time: EventTime): number {
  return Date.parse(time.dateTime ?? `${time.date}T00:00:00Z`);
}

function validateTimes(event: Partial<CalendarEvent>): string | undefined {
  if (!event.start || !event.end) return 'Missing end time.';
  const [start, end] = [instant(event.start), instant(event.end)];
  if (Number.isNaN(start) || Number.isNaN(end)) return 'Invalid start or end time.';
  if (end <= start) return 'The specified time range is empty.';
  return undefined;
}

function publicView(event: CalendarEvent): Omit<CalendarEvent, 'calendarId'> {
  const { calendarId: _calendarId, ...rest } = event;
  return rest;
}

function pick<T extends object>(source: T, keys: Array<keyof T>): Partial<T> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]])) as Partial<T>;
}

function notFound(reply: FastifyReply) {
  return reply.code(404).send(googleError(404, 'Not Found', 'notFound'));
}

function googleError(code: number, message: string, reason: string) {
  return { error: { code, message, errors: [{ domain: 'global', reason, message }] } };
}
