/** One conversation workflow per customer of a business (customer IDs are business-scoped). */
export function conversationWorkflowId(customerId: string): string {
  return `conversation-${customerId}`;
}
