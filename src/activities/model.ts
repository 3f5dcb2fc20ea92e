// The chat model behind an OpenAI-compatible endpoint. The SDK's own retries are
// off: Temporal owns retrying, and errors that can never succeed are marked
// non-retryable so they end the loop with a clear outcome instead of burning tries.
import { activityInfo, log, type Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { estimateTokens } from '../agent/history';
import type { ChatMessage, ModelReply, ToolDefinition } from '../agent/types';
import type { Database } from '../db/client';
import { recordModelUsage, tokenBudgetSpent } from '../db/usage';
import { failureClass, FailureType } from '../failures';
import type { ModelActivities } from '../workflows/activity-contracts';
import { NO_OBSERVER, type TurnObserver, type TurnRef } from '../observability/turn-events';

export interface ChatModel {
  /** The model asked for, as the usage ledger names it. */
  readonly name: string;
  complete(messages: ChatMessage[], tools: ToolDefinition[]): Promise<ModelReply>;
}

export function createModelActivities({ db, model, observer = NO_OBSERVER }: { db: Database; model: ChatModel; observer?: TurnObserver }): ModelActivities {
  return {
    async callModel({ messages, tools, businessId, customerId, turn, iteration }) {
      // Checked before every call, not only when the turn starts: otherwise every turn that started just
      // under the budget would go on to make all its calls, and a burst of customers would overrun it many times.
      if (await tokenBudgetSpent(db, businessId, new Date())) {
        throw ApplicationFailure.create({
          type: FailureType.TokenBudgetSpent,
          message: "The business's daily model-token budget is spent",
          nonRetryable: true,
        });
      }
      const info = activityInfo();
      const traced = { ...(turn ?? untracedTurn(businessId, info)), model: model.name, iteration: iteration ?? 1, attempt: info.attempt, input: messages };
      const startedAtMs = Date.now();
      let reply: ModelReply;
      try {
        reply = await model.complete(messages, tools);
      } catch (err) {
        const failure = classifyModelError(err);
        observer.modelCall?.({
          ...traced,
          ok: false,
          error: failureClass(failure),
          toolCallsRequested: [],
          promptTokens: 0,
          completionTokens: 0,
          tokensReported: false,
          startedAtMs,
          latencyMs: Date.now() - startedAtMs,
        });
        throw failure;
      }
      const latencyMs = Date.now() - startedAtMs;
      const usage = reply.usage ?? estimatedUsage(messages, tools, reply);
      try {
        await recordModelUsage(db, { businessId, customerId, callKey: usageCallKey(info), turnKey: turn?.turnKey ?? null, model: model.name, ...usage });
      } catch (err) {
        // Failing the step would call (and pay for) the model again; the ledger misses this one call instead.
        log.error('Could not record the model call in the usage ledger', { error: (err as Error).message, ...usage });
      }
      observer.modelCall?.({
        ...traced,
        ok: true,
        toolCallsRequested: reply.toolCalls.map((call) => call.name),
        ...usage,
        tokensReported: reply.usage !== undefined,
        startedAtMs,
        latencyMs,
        output: { content: reply.content, toolCalls: reply.toolCalls, finishReason: reply.finishReason },
      });
      // The usage as recorded (reported or estimated), so the turn can add up its tokens.
      return { ...reply, usage };
    },
  };
}

/** A call made outside a turn (a test, an old workflow): traced under its own workflow. */
function untracedTurn(businessId: string, info: Info): TurnRef {
  const workflowId = info.workflowExecution?.workflowId ?? 'no-workflow';
  return { businessId, turnKey: `${workflowId}/${info.activityId}`, workflowId, runId: info.workflowExecution?.runId ?? '' };
}

/**
 * Names one billed call: each attempt of the step is a request the provider
 * charges for, and the run ID keeps apart the runs of a conversation that
 * continued as new (their activity IDs start again at 1).
 */
export function usageCallKey(info: Pick<Info, 'workflowExecution' | 'activityId' | 'attempt'>): string {
  const run = info.workflowExecution ? `${info.workflowExecution.workflowId}/${info.workflowExecution.runId}` : 'no-workflow';
  return `${run}/${info.activityId}/${info.attempt}`;
}

/** For a provider that reports no usage: an estimate that counts high, so the budget still holds. */
function estimatedUsage(messages: ChatMessage[], tools: ToolDefinition[], reply: ModelReply): { promptTokens: number; completionTokens: number } {
  const toolsRead = estimateTokens({ role: 'system', content: JSON.stringify(tools) });
  return {
    promptTokens: messages.reduce((sum, m) => sum + estimateTokens(m), toolsRead),
    completionTokens: estimateTokens({ role: 'assistant', content: reply.content, toolCalls: reply.toolCalls }),
  };
}

export interface OpenAIModelOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** max_tokens of every request (MODEL_MAX_OUTPUT_TOKENS). */
  maxOutputTokens: number;
  timeoutMs?: number;
}

/** The client's own timeout per request, inside the activity's (retry-policies.ts). */
export const MODEL_CLIENT_TIMEOUT_MS = 60_000;

export function createOpenAIModel(options: OpenAIModelOptions): ChatModel {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.timeoutMs ?? MODEL_CLIENT_TIMEOUT_MS });
  return {
    name: options.model,
    async complete(messages, tools) {
      try {
        const completion = await client.chat.completions.create({
          model: options.model,
          max_tokens: options.maxOutputTokens,
          messages: messages.map(toOpenAIMessage),
          ...(tools.length ? { tools: tools.map(toOpenAITool), tool_choice: 'auto' as const } : {}),
        });
        const choice = completion.choices[0];
        if (!choice) throw new Error('The model answered with no choices');
        const toolCalls = (choice.message.tool_calls ?? []).flatMap((call) =>
          call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
        );
        return {
          content: choice.message.content,
          toolCalls,
          finishReason: choice.finish_reason,
          usage: completion.usage ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens } : undefined,
        };
      } catch (err) {
        throw classifyModelError(err);
      }
    },
  };
}

/** The longest server-asked wait we honour; a longer one is capped so the customer is not left waiting for minutes. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Maps OpenAI's documented errors to what Temporal should do:
 * - 429 rate limits: retry after the delay the server asked for (retry-after-ms or retry-after);
 * - 429 `insufficient_quota`, 400s, auth errors: never succeed by retrying;
 * - 5xx, 408, 409 and timeouts: the retry policy's backoff (the error is passed through).
 */
export function classifyModelError(err: unknown): unknown {
  if (!(err instanceof OpenAI.APIError) || err.status === undefined) return err;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const label = `${err.status}${code ? ` ${code}` : ''}`;
  if (err.status === 429 && code !== 'insufficient_quota') {
    const delay = retryAfterMs(err.headers);
    return ApplicationFailure.create({
      message: `Model rate limited (${label})`,
      type: FailureType.ModelRateLimited,
      ...(delay !== undefined ? { nextRetryDelay: Math.min(delay, MAX_RETRY_AFTER_MS) } : {}),
    });
  }
  const permanent = code === 'insufficient_quota' || (err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 409);
  if (!permanent) return err;
  return ApplicationFailure.nonRetryable(`Model request refused (${label}): ${err.message}`, FailureType.ModelRequestRefused);
}

/** The wait a 429 asks for, in milliseconds: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function toOpenAIMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? { tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      };
  }
}

function toOpenAITool(tool: ToolDefinition): ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters, strict: true } };
}
