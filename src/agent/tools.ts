// The tools the model may call. Each tool validates its own arguments and
// answers with text for the model; the booking tools arrive with the calendar.
import type { ToolDefinition } from './types';

export const TOOL_DEFINITIONS: ToolDefinition[] = [];

export function unknownToolResult(name: string): string {
  const available = TOOL_DEFINITIONS.map((t) => t.name).join(', ') || 'none';
  return JSON.stringify({ error: `There is no tool named "${name}". Available tools: ${available}.` });
}
