// Audit entries in words: a name for each action, whom it was about, and the
// fields it changed with their values before and after, compact enough to read
// at a glance (opening hours as "Mon 10:00–14:00", a service as "Haircut, 45
// min, 25.00 EUR"). The server never stores secrets in the log; anything keyed
// like one is still shown as "hidden", so a future mistake does not reach a screen.
import type { AuditEntry } from './types';

export interface FieldChange {
  field: string;
  /** Undefined where there was no value on that side (something added or removed). */
  before?: string;
  after?: string;
}

export interface AuditDescription {
  title: string;
  /** The person the entry is about (a member, an invited address), when it is about one. */
  subject?: string;
  changes: FieldChange[];
}

const ACTIONS: Record<string, string> = {
  'settings.update': 'Settings changed',
  'prompt.update': 'Prompt changed',
  'business.create': 'Business created',
  'business.deactivate': 'Business deactivated',
  'business.activate': 'Business reactivated',
  'calendar.connect': 'Calendar connected',
  'calendar.disconnect': 'Calendar disconnected',
  'whatsapp-token.set': 'WhatsApp token set',
  'whatsapp-token.clear': 'WhatsApp token removed',
  'user.invite': 'Invitation link made',
  'invitation.revoke': 'Invitation withdrawn',
  'invitation.accept': 'Invitation accepted',
  'user.add': 'Member added',
  'user.role': 'Member role changed',
  'user.remove': 'Member removed',
  'user.sessions-end': 'Sessions ended',
  'appointment.cancel': 'Appointment cancelled by the business',
  'appointment.move': 'Appointment moved by the business',
};

const LABELS: Record<string, string> = {
  openingHours: 'Opening hours',
  openingExceptions: 'Exceptions to the hours',
  services: 'Services',
  maxSimultaneousAppointments: 'Appointments at the same time',
  bufferMinutes: 'Buffer between appointments',
  minNoticeMinutes: 'Minimum notice',
  maxDaysAhead: 'How far ahead (days)',
  slotStepMinutes: 'Slot step',
  replyQuietWindowMs: 'Quiet window before replying',
  replyMaxWaitMs: 'Longest wait before replying',
  handBackAfterMinutes: 'Hand back to the bot after',
  flagOutsideHours: 'Flag messages outside opening hours',
  customerTurnsPerMinute: 'Replies to one customer per minute',
  customerTurnsPerDay: 'Replies to one customer per day',
  dailyTokenBudget: 'Daily AI allowance (tokens)',
  maxActiveAppointmentsPerCustomer: 'Upcoming appointments per customer',
  messageRetentionDays: 'Keep messages for (days)',
  personality: 'Personality',
  policies: 'Policies',
  language: 'Language',
  name: 'Name',
  phoneNumberId: 'WhatsApp phone number ID',
  timeZone: 'Time zone',
  active: 'Answering messages',
  calendarId: 'Calendar',
  // Whether the business has a WhatsApp token of its own; the token itself is never audited.
  ownCredentials: 'Own WhatsApp token',
  email: 'Email',
  role: 'Role',
  platformAdmin: 'Platform admin',
  sessionsEnded: 'Sessions ended',
  durationMinutes: 'duration',
  price: 'price',
  currency: 'currency',
};

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// A daily token budget counts the model's tokens: a number the owner set, not a credential.
const SECRET = /token(?!budget)|secret|password/i;
export const HIDDEN = 'hidden';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function labelOf(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function actionName(entry: Pick<AuditEntry, 'action' | 'after'>): string {
  if (entry.action === 'user.platform-admin') {
    return isObject(entry.after) && entry.after.platformAdmin ? 'Made platform admin' : 'Platform admin rights withdrawn';
  }
  const known = ACTIONS[entry.action];
  if (known) return known;
  const words = entry.action.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Any value as one short line. `key` is the field it belongs to, which decides units and names. */
export function formatValue(value: Json | undefined, key = ''): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (SECRET.test(key)) return HIDDEN;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return formatNumber(value, key);
  if (typeof value === 'string') return key === 'role' ? roleName(value) : value;
  if (Array.isArray(value)) return formatList(value, key);
  return formatObject(value, key);
}

function formatNumber(value: number, key: string): string {
  if (key.endsWith('Ms')) return `${value / 1000} s`;
  if (key.endsWith('Minutes')) return `${value} min`;
  return String(value);
}

const roleName = (role: string) => (role === 'OWNER' ? 'Owner' : role === 'STAFF' ? 'Staff' : role);

const isRange = (value: Json): value is [string, string] => Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string');

function formatList(values: Json[], key: string): string {
  if (values.length === 0) return key === 'ranges' ? 'closed' : 'none';
  if (values.every(isRange)) return values.map(([from, to]) => `${from}–${to}`).join(', ');
  return values.map((v) => formatValue(v, key) ?? 'none').join('; ');
}

function formatObject(value: JsonObject, key: string): string {
  // Opening hours by day: the days in week order, a day left out is closed.
  if (key === 'openingHours') {
    const days = DAYS.filter((d) => d in value).map((d) => `${d.charAt(0).toUpperCase()}${d.slice(1)} ${formatList(asList(value[d]), 'ranges')}`);
    return days.join('; ') || 'closed every day';
  }
  // A dated exception: "2026-12-24: 10:00–14:00 (Christmas Eve)".
  if (typeof value.date === 'string' && Array.isArray(value.ranges)) {
    return `${value.date}: ${formatList(value.ranges, 'ranges')}${typeof value.note === 'string' && value.note ? ` (${value.note})` : ''}`;
  }
  // A service: "Haircut, 45 min, 25.00 EUR".
  if (typeof value.name === 'string' && 'durationMinutes' in value) {
    const price =
      value.price !== undefined ? `${formatValue(value.price, 'price')}${typeof value.currency === 'string' ? ` ${value.currency}` : ''}` : undefined;
    return [value.name, formatValue(value.durationMinutes, 'durationMinutes'), price].filter(Boolean).join(', ');
  }
  return Object.entries(value)
    .filter(([k]) => k !== 'id' && k !== 'userId')
    .map(([k, v]) => `${labelOf(k).toLowerCase()}: ${formatValue(v, k) ?? 'none'}`)
    .join(', ');
}

const asList = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);

/** Items of a list the entry can tell apart (services by ID, else by name; exceptions by date). */
function itemKey(item: Json): string | undefined {
  if (!isObject(item)) return undefined;
  for (const k of ['id', 'name', 'date']) if (typeof item[k] === 'string') return item[k];
  return undefined;
}

/** A list of named things: one change per item added, removed or changed, instead of the whole list twice. */
function listChanges(key: string, before: Json[], after: Json[]): FieldChange[] | undefined {
  const keyed = (items: Json[]) => new Map(items.map((item) => [itemKey(item), item]));
  const [old, now] = [keyed(before), keyed(after)];
  if (old.has(undefined) || now.has(undefined) || old.size !== before.length || now.size !== after.length) return undefined;
  const changes: FieldChange[] = [];
  for (const id of new Set([...old.keys(), ...now.keys()])) {
    const [b, a] = [old.get(id), now.get(id)];
    if (same(b, a)) continue;
    const name = (isObject(a) && typeof a.name === 'string' ? a.name : undefined) ?? (isObject(b) && typeof b.name === 'string' ? b.name : undefined) ?? id;
    changes.push({ field: `${labelOf(key)}: ${name}`, before: formatValue(b, key), after: formatValue(a, key) });
  }
  return changes;
}

function fieldChanges(before: JsonObject, after: JsonObject, skip: Set<string>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    if (skip.has(key)) continue;
    const [b, a] = [before[key], after[key]];
    if (same(b, a)) continue;
    if (SECRET.test(key)) {
      changes.push({ field: labelOf(key), before: b === undefined ? undefined : HIDDEN, after: a === undefined ? undefined : HIDDEN });
      continue;
    }
    const perItem = Array.isArray(b) && Array.isArray(a) ? listChanges(key, b, a) : undefined;
    changes.push(...(perItem ?? [{ field: labelOf(key), before: formatValue(b, key), after: formatValue(a, key) }]));
  }
  return changes;
}

export function describeEntry(entry: Pick<AuditEntry, 'action' | 'before' | 'after'>): AuditDescription {
  const before = isObject(entry.before) ? entry.before : {};
  const after = isObject(entry.after) ? entry.after : {};
  const email = typeof after.email === 'string' ? after.email : typeof before.email === 'string' ? before.email : undefined;
  // Whom an entry is about heads it; the IDs that identify them say nothing to a reader.
  const subject = entry.action.startsWith('user.') || entry.action.startsWith('invitation.') ? email : undefined;
  const skip = new Set(['userId', 'id', ...(subject ? ['email'] : [])]);
  return { title: actionName(entry), subject, changes: fieldChanges(before, after, skip) };
}
