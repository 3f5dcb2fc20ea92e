// Tap-to-choose replies. A small set of options goes out as WhatsApp reply
// buttons (up to 3) or a list (up to 10 rows), within Meta's length limits;
// anything that does not fit is sent as plain text with a numbered list, so
// the customer can always answer. Pure.

export interface ChoiceOption {
  /** Comes back in the customer's tap (button_reply.id / list_reply.id). */
  id: string;
  title: string;
  description?: string;
}

// Meta's limits for interactive messages (Cloud API reference, "Interactive object").
export const LIMITS = {
  buttons: 3,
  buttonTitle: 20,
  buttonBody: 1024,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  listBody: 4096,
  listButton: 20,
  id: 200,
} as const;

export type InteractivePayload =
  | { type: 'button'; body: { text: string }; action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> } }
  | {
      type: 'list';
      body: { text: string };
      action: { button: string; sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }> };
    };

export type ReplyPlan = { kind: 'interactive'; interactive: InteractivePayload } | { kind: 'text'; text: string };

const fits = (text: string, max: number) => [...text].length <= max;

/** How to send `text` with `options` under it: buttons, a list, or text with a numbered list. */
export function planReply(text: string, options: ChoiceOption[], listButton = 'Choose'): ReplyPlan {
  const idsFit = options.every((o) => o.id.length > 0 && o.id.length <= LIMITS.id);
  const unique = new Set(options.map((o) => o.id)).size === options.length;
  if (options.length > 0 && idsFit && unique) {
    if (options.length <= LIMITS.buttons && fits(text, LIMITS.buttonBody) && options.every((o) => fits(o.title, LIMITS.buttonTitle) && !o.description)) {
      return {
        kind: 'interactive',
        interactive: { type: 'button', body: { text }, action: { buttons: options.map((o) => ({ type: 'reply', reply: { id: o.id, title: o.title } })) } },
      };
    }
    const rowsFit = options.every((o) => fits(o.title, LIMITS.rowTitle) && (!o.description || fits(o.description, LIMITS.rowDescription)));
    if (options.length <= LIMITS.listRows && rowsFit && fits(text, LIMITS.listBody) && fits(listButton, LIMITS.listButton)) {
      return {
        kind: 'interactive',
        interactive: {
          type: 'list',
          body: { text },
          action: {
            button: listButton,
            sections: [{ rows: options.map((o) => ({ id: o.id, title: o.title, ...(o.description ? { description: o.description } : {}) })) }],
          },
        },
      };
    }
  }
  const numbered = options.map((o, i) => `${i + 1}. ${o.title}${o.description ? ` – ${o.description}` : ''}`).join('\n');
  return { kind: 'text', text: numbered ? `${text}\n\n${numbered}` : text };
}
