// Workflow IDs derived from WhatsApp's own message ID: a redelivered webhook
// computes the same ID, and Temporal refuses to start it twice.
//
// The ID holds a hash of the wamid, not the wamid: Meta's wamids are base64 that
// embeds the customer's phone number, and workflow IDs are written into every
// log line. Used by the API and tests only, never inside workflow code (it needs
// node:crypto, which the workflow sandbox does not offer).
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- never bundled: no workflow imports this file, and the bundler would refuse if one did
import { createHash } from 'node:crypto';

export const MESSAGE_WORKFLOW_PREFIX = 'wa-message-';

export function messageWorkflowId(wamid: string): string {
  return `${MESSAGE_WORKFLOW_PREFIX}${createHash('sha256').update(wamid).digest('hex').slice(0, 32)}`;
}
