// The Temporal executions that handled one customer, found from what the
// database and the workflow IDs say, and their removal. Every workflow type of
// src/workflows/index.ts is covered:
// - conversation: one ID per customer row (conversation-<customer id>), a chain of runs;
// - handleInboundMessage: one per inbound message, named on the message row;
// - ownerAppointmentChange: started by the console for an appointment; the ones for
//   this customer's appointments are found by their input (it names the appointment);
// - housekeeping and retention: about no one.
import { isGrpcServiceError, WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { z } from 'zod';
import { conversationWorkflowId } from '../workflows/conversation-id';

/** gRPC NOT_FOUND: the execution is already gone. */
const NOT_FOUND = 5;
const IDS_PER_QUERY = 50;

export interface CustomerWorkflow {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  startTime: string;
  closeTime: string | null;
}

export interface WorkflowClues {
  businessId: string;
  customerIds: string[];
  /** Workflows the customer's messages name (Message.workflowId). */
  messageWorkflowIds: string[];
  appointmentIds: string[];
}

const ownerChangeInput = z.object({ appointmentId: z.string() });

function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function list(client: Client, query: string): Promise<WorkflowExecutionInfo[]> {
  const found: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query })) found.push(execution);
  return found;
}

/** The workflow's input as it was started, decoded (and decrypted) by the client's data converter. */
async function startInput(client: Client, execution: WorkflowExecutionInfo): Promise<unknown> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: execution.workflowId, runId: execution.runId },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  return decodeFromPayloadsAtIndex(client.options.loadedDataConverter, 0, payloads);
}

/** Every run of the customer's workflows Temporal still holds (closed ones until the namespace's retention removes them). */
export async function findCustomerWorkflows(client: Client, clues: WorkflowClues): Promise<CustomerWorkflow[]> {
  const ids = [...new Set([...clues.customerIds.map(conversationWorkflowId), ...clues.messageWorkflowIds])];
  const found: WorkflowExecutionInfo[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    found.push(
      ...(await list(
        client,
        `WorkflowId IN (${ids
          .slice(i, i + IDS_PER_QUERY)
          .map(quoted)
          .join(', ')})`,
      )),
    );
  }
  if (clues.appointmentIds.length) {
    const appointments = new Set(clues.appointmentIds);
    for (const execution of await list(client, `WorkflowType = 'ownerAppointmentChange' AND BusinessId = ${quoted(clues.businessId)}`)) {
      const input = ownerChangeInput.safeParse(await startInput(client, execution));
      if (input.success && appointments.has(input.data.appointmentId)) found.push(execution);
    }
  }
  const byRun = new Map(found.map((e) => [e.runId, e]));
  return [...byRun.values()]
    .map((e) => ({
      workflowId: e.workflowId,
      runId: e.runId,
      type: e.type,
      status: e.status.name,
      startTime: e.startTime.toISOString(),
      closeTime: e.closeTime?.toISOString() ?? null,
    }))
    .sort((a, b) => a.startTime.localeCompare(b.startTime));
}

/** Stops the customer's conversations, so no turn of theirs runs (or books) while they are erased. */
export async function stopConversations(client: Client, customerIds: string[]): Promise<void> {
  for (const customerId of customerIds) await terminate(client, conversationWorkflowId(customerId));
}

async function terminate(client: Client, workflowId: string, runId?: string): Promise<void> {
  try {
    await client.workflow.getHandle(workflowId, runId).terminate('The customer was erased');
  } catch (err) {
    // Already closed or gone: nothing runs.
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/**
 * Terminates (when running) and deletes each execution, history and visibility
 * record with it. The runs listed are deleted by run ID; each workflow ID's
 * current run is deleted as well, which covers a run visibility does not list
 * yet (a conversation a message restarted a moment ago). The run IDs deleted
 * are added to `deleted`, which a second sweep shares so no run counts twice.
 */
export async function deleteWorkflows(client: Client, runs: Array<{ workflowId: string; runId?: string }>, deleted: Set<string>): Promise<void> {
  const currentRuns = [...new Set(runs.map((r) => r.workflowId))].map((workflowId) => ({ workflowId, runId: undefined }));
  for (const { workflowId, runId } of [...runs, ...currentRuns]) {
    if (runId && deleted.has(runId)) continue;
    await terminate(client, workflowId, runId);
    try {
      const { workflowExecutionInfo } = await client.workflowService.describeWorkflowExecution({
        namespace: client.options.namespace,
        execution: { workflowId, runId },
      });
      const current = workflowExecutionInfo?.execution?.runId ?? runId;
      if (!current || deleted.has(current)) continue;
      await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId, runId: current } });
      deleted.add(current);
    } catch (err) {
      if (!(isGrpcServiceError(err) && err.code === NOT_FOUND)) throw err;
    }
  }
}
