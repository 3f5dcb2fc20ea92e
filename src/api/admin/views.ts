// The shapes some console routes answer, in a module with no server code, so
// the console's pages can import them as types without pulling Fastify in.
import type { CalendarConnectionView } from '../../db/calendar-connection';

/** GET/PUT …/prompt and POST …/prompt/preview answer this under `prompt`. */
export interface PromptView {
  personality: string;
  policies: string;
  language: string;
  /** The exact system prompt these fields make now. */
  preview: string;
  lastChange: { at: string; by: string } | null;
}

/** The calendar routes answer this under `calendar`: the connection, never its token. */
export interface CalendarView extends CalendarConnectionView {
  /** An OAuth client is configured, so the console can send owners to Google's consent page. */
  canConnect: boolean;
  /** The callback address an operator registers on that OAuth client. */
  redirectUri: string;
}
