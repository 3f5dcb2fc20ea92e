// Runs one tool call for one customer of one business. The arguments are the
// model's and are validated here; the customer and business come from the
// workflow, never from the model, so a tool can only see and change this
// customer's appointments. Answers are JSON for the model; a refusal the
// customer should hear (slot taken, closed) is an answer, not an error.
import { z } from 'zod';
import {
  availability,
  bookAppointment,
  cancelAppointment,
  findService,
  moveAppointment,
  upcomingAppointments,
  type BookingContext,
  type BookingOutcome,
} from '../booking/appointments';
import { addDays, localDateOf, parseLocalDate } from '../booking/time';
import { unknownToolResult } from '../agent/tools';
import type { ToolCall } from '../agent/types';
import type { ToolEffect, ToolResult } from '../workflows/types';

// A date the calendar does not have ("2026-02-30", "0000-01-01") used to pass the
// pattern and throw deep in the availability code, so the tool was retried for a
// minute and then reported as "temporarily unavailable"; it is a bad argument.
const localDate = z.string().refine((date) => parseLocalDate(date) !== undefined, 'expected a real date, YYYY-MM-DD');
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'expected YYYY-MM-DDTHH:mm');
const appointmentId = z.uuid('not an appointment id from list_my_appointments');
// Trimmed, because a blank name matched every service by substring (and booked the
// first); bounded, because the name is echoed back to the model in refusals.
const serviceName = z.string().trim().min(1).max(200);

const argumentSchemas = {
  check_availability: z.object({ service: serviceName, date: localDate, days: z.number().int().min(1).max(7).nullable() }),
  book_appointment: z.object({ service: serviceName, start: localDateTime, customer_name: z.string().trim().min(1).max(100) }),
  list_my_appointments: z.object({}),
  move_appointment: z.object({ appointment_id: appointmentId, new_start: localDateTime }),
  cancel_appointment: z.object({ appointment_id: appointmentId }),
};

const answer = (value: unknown): string => JSON.stringify(value);

function fromOutcome(outcome: BookingOutcome, kind: ToolEffect['kind']): ToolResult {
  if (!outcome.ok) return { content: answer(outcome) };
  return {
    content: answer(outcome),
    effect: { kind, appointmentId: outcome.appointment.id, service: outcome.appointment.service, start: outcome.appointment.start },
  };
}

type Handlers = {
  [Name in keyof typeof argumentSchemas]: (ctx: BookingContext, args: z.infer<(typeof argumentSchemas)[Name]>, bookingKey: string) => Promise<ToolResult>;
};

const handlers: Handlers = {
  async check_availability(ctx, args) {
    const service = findService(ctx.business, args.service);
    if (!service)
      return { content: answer({ ok: false, error: `Unknown service "${args.service}". Services: ${ctx.business.services.map((s) => s.name).join(', ')}` }) };
    const { timeZone, maxDaysAhead } = ctx.business.policy;
    const lastDate = addDays(localDateOf(ctx.now, timeZone), maxDaysAhead);
    // Said plainly rather than answered with empty days, so the model does not offer "no free times" for a date nobody can book.
    if (args.date > lastDate)
      return {
        content: answer({ ok: false, error: `That date is too far ahead: appointments can be booked up to ${maxDaysAhead} days ahead, until ${lastDate}.` }),
      };
    const days = await availability(ctx, service.durationMinutes, args.date, args.days ?? 1);
    return { content: answer({ ok: true, service: service.name, durationMinutes: service.durationMinutes, timeZone: ctx.business.policy.timeZone, days }) };
  },
  async book_appointment(ctx, args, bookingKey) {
    return fromOutcome(await bookAppointment(ctx, { serviceName: args.service, start: args.start, customerName: args.customer_name, bookingKey }), 'booked');
  },
  async list_my_appointments(ctx) {
    return { content: answer({ ok: true, timeZone: ctx.business.policy.timeZone, appointments: await upcomingAppointments(ctx) }) };
  },
  async move_appointment(ctx, args) {
    return fromOutcome(await moveAppointment(ctx, { appointmentId: args.appointment_id, newStart: args.new_start }), 'moved');
  },
  async cancel_appointment(ctx, args) {
    return fromOutcome(await cancelAppointment(ctx, { appointmentId: args.appointment_id }), 'cancelled');
  },
};

export function isBookingTool(name: string): name is keyof typeof argumentSchemas {
  return Object.hasOwn(argumentSchemas, name);
}

export async function runBookingTool(ctx: BookingContext, call: ToolCall, bookingKey: string): Promise<ToolResult> {
  if (!isBookingTool(call.name)) return { content: unknownToolResult(call.name) };
  let raw: unknown;
  try {
    raw = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch {
    return { content: answer({ ok: false, error: 'The arguments were not valid JSON.' }) };
  }
  const parsed = argumentSchemas[call.name].safeParse(raw);
  if (!parsed.success) {
    return {
      content: answer({
        ok: false,
        error: `Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ')}`,
      }),
    };
  }
  const handler = handlers[call.name] as (ctx: BookingContext, args: unknown, bookingKey: string) => Promise<ToolResult>;
  return handler(ctx, parsed.data, bookingKey);
}
