// The tools the model may call, as strict JSON Schemas (every property
// required, nothing extra; "optional" values are nullable). Arguments are
// validated again on our side before anything happens. Pure: the workflow
// sends these definitions with every model call.
import { ASK_FOR_A_PERSON_TOOL } from './handover';
import { PRESENT_OPTIONS_TOOL } from './options';
import type { ToolDefinition } from './types';

const LOCAL_DATE = { type: 'string', description: 'A date in the business time zone, YYYY-MM-DD.' };
const LOCAL_DATE_TIME = { type: 'string', description: 'A start time in the business time zone, YYYY-MM-DDTHH:mm (24-hour clock).' };
const APPOINTMENT_ID = { type: 'string', description: "The id of one of the customer's appointments, from list_my_appointments." };

function tool(name: string, description: string, properties: Record<string, unknown>): ToolDefinition {
  return { name, description, parameters: { type: 'object', properties, required: Object.keys(properties), additionalProperties: false } };
}

export const TOOL_DEFINITIONS: ToolDefinition[] = [
  tool('check_availability', 'Free start times for a service on a date, or on several days from that date. Use before proposing times.', {
    service: { type: 'string', description: "Name of one of the business's services." },
    date: LOCAL_DATE,
    days: { type: ['integer', 'null'], description: 'How many days to look at from the date (1-7); null for just that day.' },
  }),
  tool('book_appointment', 'Book an appointment for the customer once they have agreed to a service and a time.', {
    service: { type: 'string', description: "Name of one of the business's services." },
    start: LOCAL_DATE_TIME,
    customer_name: { type: 'string', description: 'The name to book under, as the customer gave it.' },
  }),
  tool('list_my_appointments', "The customer's own upcoming appointments with this business.", {}),
  tool('move_appointment', "Move one of the customer's appointments to another start time.", {
    appointment_id: APPOINTMENT_ID,
    new_start: LOCAL_DATE_TIME,
  }),
  tool('cancel_appointment', "Cancel one of the customer's appointments after they have confirmed it.", {
    appointment_id: APPOINTMENT_ID,
  }),
  PRESENT_OPTIONS_TOOL,
  ASK_FOR_A_PERSON_TOOL,
];

export function unknownToolResult(name: string): string {
  const available = TOOL_DEFINITIONS.map((t) => t.name).join(', ') || 'none';
  return JSON.stringify({ ok: false, error: `There is no tool named "${name}". Available tools: ${available}.` });
}
