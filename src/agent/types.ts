// Plain data exchanged between the workflow and its activities. Everything here
// is JSON-serialisable: it travels through Temporal's history.

export interface ToolCall {
  id: string;
  name: string;
  /** The model's raw JSON arguments, validated by the tool before use. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments (strict mode: every property required, no extras). */
  parameters: Record<string, unknown>;
}

export interface ModelReply {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: string | null;
  usage?: { promptTokens: number; completionTokens: number };
}

export interface ServiceOffer {
  name: string;
  durationMinutes: number;
  priceCents: number;
  currency: string;
}

/** Weekday keys used in opening hours, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Each weekday's English name, as the system prompt and the console's settings page write it. */
export const WEEKDAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
export type Weekday = (typeof WEEKDAYS)[number];
export type OpeningHours = Partial<Record<Weekday, Array<[string, string]>>>;

export interface BusinessProfile {
  id: string;
  name: string;
  timeZone: string;
  language: string;
  personality: string;
  policies: string;
  openingHours: OpeningHours;
  maxSimultaneousAppointments: number;
  services: ServiceOffer[];
}
