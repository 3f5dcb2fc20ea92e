// The chat model behind an OpenAI-compatible endpoint. The SDK's own retries are
// off: Temporal owns retrying, and errors that can never succeed are marked
// non-retryable so they end the loop with a clear outcome instead of burning tries.
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatMessage, ModelReply, ToolDefinition } from '../agent/types';

export interface ChatModel {
  complete(messages: ChatMessage[], tools: ToolDefinition[]): Promise<ModelReply>;
}

export interface OpenAIModelOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs?: number;
}

export function createOpenAIModel(options: OpenAIModelOptions): ChatModel {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.timeoutMs ?? 60_000 });
  return {
    async complete(messages, tools) {
      try {
        const completion = await client.chat.completions.create({
          model: options.model,
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

/** 400s, auth errors and an exhausted quota will fail the same way every time. */
export function classifyModelError(err: unknown): unknown {
  if (!(err instanceof OpenAI.APIError) || err.status === undefined) return err;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const permanent = code === 'insufficient_quota' || (err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 409 && err.status !== 429);
  if (!permanent) return err;
  return ApplicationFailure.nonRetryable(`Model request refused (${err.status}${code ? ` ${code}` : ''}): ${err.message}`, 'ModelRequestRefused');
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
