// The agent loop: call the model, run the tools it asks for, feed their answers
// back, until it writes a reply or the iteration limit is reached. Pure over an
// interface of steps, so the workflow runs it with activities and the
// benchmark's synchronous baseline with plain function calls. No I/O here.
import { parseOptions, PRESENT_OPTIONS, type OfferedOption } from './options';
import { TOOL_DEFINITIONS } from './tools';
import type { ChatMessage, ModelReply, ToolCall, ToolDefinition } from './types';

export interface AgentSteps {
  callModel(input: { messages: ChatMessage[]; tools: ToolDefinition[] }): Promise<ModelReply>;
  /** Runs one tool call and returns its answer for the model (JSON). */
  runTool(call: ToolCall): Promise<string>;
  /** Told of a tool the loop answers itself (present_options), so the caller can trace it like the others. */
  answeredInLoop?(call: ToolCall, content: string): void;
}

/** How far a run got; filled in as it goes, so a caller that catches a failure still knows. */
export interface AgentProgress {
  modelCalls: number;
  toolCalls: ToolCall[];
  /** Choices the model asked to show under its reply (present_options). */
  options: OfferedOption[];
}

export type AgentEnd = { kind: 'answered'; text: string | null } | { kind: 'iteration-limit' };

export interface AgentLimits {
  /** Model calls in one run. */
  maxIterations: number;
  /**
   * Tool calls run from one model reply. A reply asking for ten bookings at once
   * is a model gone wrong or a customer steering it; the calls past this are
   * answered "not run" (the API needs an answer to every call) and the model can
   * ask again for what still matters, within the iteration limit.
   */
  maxToolCallsPerReply: number;
}

export const DEFAULT_MAX_TOOL_CALLS_PER_REPLY = 3;

export function newProgress(): AgentProgress {
  return { modelCalls: 0, toolCalls: [], options: [] };
}

/** Runs the loop on `messages` (system prompt and history), appending the model's turns and the tools' answers to it. */
export async function runAgentLoop(
  messages: ChatMessage[],
  steps: AgentSteps,
  limits: AgentLimits,
  progress: AgentProgress = newProgress(),
): Promise<AgentEnd> {
  while (progress.modelCalls < limits.maxIterations) {
    progress.modelCalls++;
    const reply = await steps.callModel({ messages, tools: TOOL_DEFINITIONS });
    messages.push({ role: 'assistant', content: reply.content, toolCalls: reply.toolCalls.length ? reply.toolCalls : undefined });
    if (reply.toolCalls.length === 0) return { kind: 'answered', text: reply.content };
    for (const [index, call] of reply.toolCalls.entries()) {
      if (index >= limits.maxToolCallsPerReply) {
        messages.push({ role: 'tool', toolCallId: call.id, content: notRun(limits.maxToolCallsPerReply) });
        continue;
      }
      progress.toolCalls.push(call);
      const content = call.name === PRESENT_OPTIONS ? presentOptions(call, progress) : await steps.runTool(call);
      if (call.name === PRESENT_OPTIONS) steps.answeredInLoop?.(call, content);
      messages.push({ role: 'tool', toolCallId: call.id, content });
    }
  }
  return { kind: 'iteration-limit' };
}

/** Nothing to change anywhere: the choices ride on this turn's reply. */
function presentOptions(call: ToolCall, progress: AgentProgress): string {
  const offered = parseOptions(call.arguments);
  if (!('options' in offered)) return JSON.stringify({ ok: false, error: offered.error });
  progress.options = offered.options;
  return JSON.stringify({ ok: true, shown: offered.options.length, note: 'They appear under your reply; write the reply text now.' });
}

function notRun(max: number): string {
  return JSON.stringify({
    ok: false,
    error: `Not run: at most ${max} tool calls are run per reply, and this one came after them. Ask for it again in a new reply if it is still needed.`,
  });
}
