// Workflow IDs derived from WhatsApp's own message ID: a redelivered webhook
// computes the same ID, and Temporal refuses to start it twice.
//
// The ID holds a hash of the wamid, not the wamid: Meta's wamids are base64 that
// embeds the customer's phone number, and workflow IDs are written into every
// log line. Derived where workflows are started, outside workflow code: it
// needs node:crypto, which the workflow sandbox does not offer.
import { createHash } from 'node:crypto';

export const MESSAGE_WORKFLOW_PREFIX = 'wa-message-';

export function messageWorkflowId(wamid: string): string {
  return `${MESSAGE_WORKFLOW_PREFIX}${createHash('sha256').update(wamid).digest('hex').slice(0, 32)}`;
}
