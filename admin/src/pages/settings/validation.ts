// Checks the draft in the browser with the schema the API uses, and names each
// problem by the key the API would use ("openingHours.mon", "services.1.price"),
// so the page shows its own findings and the server's in the same places.
import type { z } from 'zod';
import { bookingSettingsSchema } from '../../../../src/booking/settings';
import { draftToPayload, WEEKDAYS, type SettingsDraft } from './draft';
import { DAY_NAMES, RULE_LABELS, SERVICE_FIELD_LABELS, formatDay } from './labels';

/** Messages by field key, as ApiError.fields carries them. */
export type FieldErrors = Record<string, string>;

export function validateDraft(draft: SettingsDraft): FieldErrors {
  const result = bookingSettingsSchema.safeParse(draftToPayload(draft));
  return result.success ? {} : fieldErrors(result.error.issues);
}

/**
 * The API's mapping (first message per path wins), plus two kindnesses: zod's
 * generic wording becomes a sentence, and a day's or list's message is dropped
 * while one of its own fields has a problem, because it is then only an echo
 * of that problem ("10:00–: the opening time must be before…").
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) fields[issue.path.join('.') || 'body'] ??= humanMessage(issue);
  for (const key of Object.keys(fields)) if (Object.keys(fields).some((other) => other.startsWith(`${key}.`))) delete fields[key];
  return fields;
}

export function humanMessage(issue: z.core.$ZodIssue): string {
  const generic = /^(Invalid input|Too small|Too big)/.test(issue.message);
  const last = issue.path.at(-1);
  if (issue.code === 'invalid_format' && (last === 0 || last === 1)) return 'Enter a time such as 09:30.';
  if (!generic) return issue.message;
  if (issue.code === 'invalid_type') return issue.expected === 'int' ? 'Enter a whole number.' : 'Enter a number.';
  if (issue.code === 'too_small' && issue.origin === 'number') return `At least ${issue.minimum}.`;
  if (issue.code === 'too_big' && issue.origin === 'string') return `At most ${issue.maximum} characters.`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `At most ${issue.maximum}.`;
  return issue.message;
}

/** Where a problem is, in the owner's words, for the summary above the Save button: "Monday", "Haircut, Price". */
export function describeField(key: string, draft: SettingsDraft): string {
  const [section, index, field] = key.split('.');
  if (section === 'openingHours') {
    const day = WEEKDAYS.find((d) => d === index);
    return day ? DAY_NAMES[day] : 'Opening hours';
  }
  if (section === 'openingExceptions' && index !== undefined) {
    const date = draft.openingExceptions[Number(index)]?.date;
    return `Special day ${date ? formatDay(date) : Number(index) + 1}${field === 'note' ? ', Note' : ''}`;
  }
  if (section === 'services' && index !== undefined) {
    const name = draft.services[Number(index)]?.name.trim() || `Service ${Number(index) + 1}`;
    return field && field in SERVICE_FIELD_LABELS ? `${name}, ${SERVICE_FIELD_LABELS[field as keyof typeof SERVICE_FIELD_LABELS]}` : name;
  }
  if (section === 'services') return 'Services';
  return RULE_LABELS[key as keyof typeof RULE_LABELS] ?? key;
}
