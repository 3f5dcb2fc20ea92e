// The present_options tool: the model offers the customer a few choices (free
// times, services, which appointment) and the reply carries them as buttons or a
// list. It changes nothing, so the workflow handles it itself. Pure, no I/O.
import type { ToolDefinition } from './types';

export const PRESENT_OPTIONS = 'present_options';

export const PRESENT_OPTIONS_TOOL: ToolDefinition = {
  name: PRESENT_OPTIONS,
  description:
    'Show up to 10 choices under your next reply as tappable buttons or a list (free times, services, which appointment). ' +
    'Use ids the other tools understand, e.g. the start time "2026-11-30T10:30" or an appointment id. The tap comes back as a message.',
  parameters: {
    type: 'object',
    properties: {
      options: {
        type: 'array',
        description: 'The choices, best first.',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', description: 'What the choice means, returned when tapped.' },
            title: { type: 'string', description: 'Short label, at most 20 characters for buttons, 24 for lists.' },
            description: { type: ['string', 'null'], description: 'Optional detail (lists only), at most 72 characters.' },
          },
          required: ['id', 'title', 'description'],
          additionalProperties: false,
        },
      },
    },
    required: ['options'],
    additionalProperties: false,
  },
};

export interface OfferedOption {
  id: string;
  title: string;
  description?: string;
}

/** Validates the model's arguments; the error goes back to the model. */
export function parseOptions(rawArguments: string): { options: OfferedOption[] } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawArguments);
  } catch {
    return { error: 'The arguments were not valid JSON.' };
  }
  const list = (parsed as { options?: unknown }).options;
  if (!Array.isArray(list) || list.length === 0 || list.length > 10) return { error: 'options must be a list of 1 to 10 choices.' };
  const options: OfferedOption[] = [];
  for (const item of list as Array<Record<string, unknown>>) {
    if (typeof item?.id !== 'string' || !item.id.trim() || typeof item.title !== 'string' || !item.title.trim()) {
      return { error: 'Every option needs a non-empty id and title.' };
    }
    const description = typeof item.description === 'string' && item.description.trim() ? item.description.trim() : undefined;
    options.push({ id: item.id.trim(), title: item.title.trim(), ...(description ? { description } : {}) });
  }
  return { options };
}
