// A deterministic stand-in model for the benchmark. A plain message gets a
// greeting at once; "BOOK <date>" runs the booking turn the issue describes:
// check availability, book the first free time, then confirm (three model calls,
// two tools). It reads only the wire messages, so concurrent turns never mix.
import type { Responder } from '../../src/sandbox/openai-api';

type Wire = { role: string; content?: unknown; tool_calls?: Array<{ function?: { name?: string } }> };

export const benchModel: Responder = (messages) => {
  const list = messages as Wire[];
  const lastUser = list.map((m) => m.role).lastIndexOf('user');
  const text = typeof list[lastUser]?.content === 'string' ? (list[lastUser]!.content as string) : '';
  const since = list.slice(lastUser + 1);
  const booking = /^BOOK (\d{4}-\d{2}-\d{2})/.exec(text);
  if (!booking) return { content: 'Hello! How can I help you today?' };
  const date = booking[1]!;
  const lastCall = since.filter((m) => m.role === 'assistant').at(-1)?.tool_calls?.[0]?.function?.name;
  if (!lastCall) return { toolCalls: [{ name: 'check_availability', arguments: { service: 'Haircut', date, days: null } }] };
  if (lastCall === 'check_availability') {
    const result = JSON.parse(String(since.at(-1)?.content ?? '{}')) as { days?: Array<{ times?: string[] }> };
    const time = result.days?.[0]?.times?.[0] ?? '10:00';
    return { toolCalls: [{ name: 'book_appointment', arguments: { service: 'Haircut', start: `${date}T${time}`, customer_name: 'Bench' } }] };
  }
  return { content: `Booked: *Haircut* on ${date}.` };
};
