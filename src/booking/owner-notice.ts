// What a customer is told on WhatsApp when the business cancels or moves their
// appointment from the console. Markdown, like the model's replies, so it goes
// through the same formatting on the way out. Pure: the workflow composes it.
import { parseLocalDateTime, weekdayOf } from './time';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export type OwnerChange = { kind: 'cancel' } | { kind: 'move'; start: string };

/** "2026-12-07T17:00" → "Mon 7 Dec at 17:00" (the business's wall clock, as stored). */
export function spokenLocalTime(local: string): string {
  const parsed = parseLocalDateTime(local);
  if (!parsed) return local;
  const weekday = weekdayOf(local.slice(0, 10));
  return `${weekday[0]!.toUpperCase()}${weekday.slice(1)} ${parsed.day} ${MONTHS[parsed.month - 1]} at ${local.slice(11, 16)}`;
}

export function ownerChangeNotice(input: { businessName: string; service: string; previousStart: string; change: OwnerChange }): string {
  const was = `Your **${input.service}** on ${spokenLocalTime(input.previousStart)}`;
  if (input.change.kind === 'cancel') return `${was} was cancelled by ${input.businessName}. Reply here if you'd like another time.`;
  return `${was} was moved by ${input.businessName} to ${spokenLocalTime(input.change.start)}. Reply here if that time doesn't suit you.`;
}
