// Reads back the choices a stored reply offered, and the one a stored tap chose. The ledger keeps an
// interactive reply as its body followed by "[Options offered: …]" (written by
// outgoing.ts, so that later turns know what was offered); the console's "Try
// it" chat shows that body as text and the choices as buttons. Pure.
import type { ChoiceOption } from './interactive';

const OFFERED = /\n\[Options offered: (.*)\]$/s;
const OPTION = /"(.*?)" \(id (.*?)\)(?=, "|$)/gs;
const TAPPED = /^\[Tapped the option "(.*)" \(id .*\)\]$/s;

export function offeredOptions(storedText: string): { body: string; options: ChoiceOption[] } {
  const found = OFFERED.exec(storedText);
  if (!found) return { body: storedText, options: [] };
  const options = [...found[1]!.matchAll(OPTION)].map(([, title, id]) => ({ id: id!, title: title! }));
  return { body: storedText.slice(0, found.index), options };
}

/** The title of the option a stored tap chose (message-content.ts writes it for the model); undefined for anything else. */
export function tappedOption(storedText: string): string | undefined {
  return TAPPED.exec(storedText)?.[1];
}
