// Workflow IDs derived from WhatsApp's own message ID: a redelivered webhook
// computes the same ID, and Temporal refuses to start it twice.
export const MESSAGE_WORKFLOW_PREFIX = 'wa-message-';

export function messageWorkflowId(wamid: string): string {
  return `${MESSAGE_WORKFLOW_PREFIX}${wamid}`;
}
