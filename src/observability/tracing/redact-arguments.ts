// A tool call's arguments as a trace may show them. The model writes them, so
// any field can carry what the customer said; only the fields each tool's schema
// (src/agent/tools.ts, options.ts, handover.ts) defines as calendar data are
// kept: services, dates, times, appointment IDs. Names, reasons, option labels
// and anything the schema does not know are hidden. Pure.

export const HIDDEN = '[hidden]';

/** The fields of each tool that say what was asked of the calendar, not who asked. */
const CALENDAR_FIELDS: Readonly<Record<string, readonly string[]>> = {
  check_availability: ['service', 'date', 'days'],
  book_appointment: ['service', 'start'],
  list_my_appointments: [],
  move_appointment: ['appointment_id', 'new_start'],
  cancel_appointment: ['appointment_id'],
  ask_for_a_person: [],
};

export type ShownArguments = Record<string, unknown> | typeof HIDDEN;

/** The arguments with personal data replaced by "[hidden]"; the whole of them when they are not a JSON object. */
export function redactArguments(tool: string, rawArguments: string): ShownArguments {
  const parsed = parseObject(rawArguments);
  if (!parsed) return HIDDEN;
  if (tool === 'present_options') return redactOptions(parsed);
  const kept = CALENDAR_FIELDS[tool] ?? [];
  return Object.fromEntries(Object.entries(parsed).map(([field, value]) => [field, kept.includes(field) && isScalar(value) ? value : HIDDEN]));
}

/** What a trace shows: the arguments as the model wrote them with TRACE_LOG_PII=true, redacted otherwise. */
export function shownArguments(tool: string, rawArguments: string, logPii: boolean): ShownArguments | string {
  if (!logPii) return redactArguments(tool, rawArguments);
  return parseObject(rawArguments) ?? rawArguments;
}

/** The choices' IDs (start times, appointment IDs, services) stay; their labels are written for the customer. */
function redactOptions(parsed: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(parsed).map(([field, value]) => {
      if (field !== 'options' || !Array.isArray(value)) return [field, HIDDEN];
      return [field, value.map((option: unknown) => (isObject(option) ? redactOption(option) : HIDDEN))];
    }),
  );
}

function redactOption(option: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(option).map(([field, value]) => [field, field === 'id' && isScalar(value) ? value : HIDDEN]));
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object or list under a kept field could hold anything; only plain values are shown. */
function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
