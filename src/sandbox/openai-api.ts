// Stand-in for an OpenAI-compatible chat completions endpoint. Tests script the
// model's turns (text, tool calls or an HTTP error); without a script a small
// rule-based model answers (offline-model.ts), which calls the real tools and
// says plainly that it is an offline model. Like OpenAI it reports the tokens
// each request used (estimated from the text, counting high) and honours
// max_tokens by cutting the answer short with finish_reason "length".
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { estimateTokens } from '../agent/history';
import { offlineTurn } from './offline-model';

export type ScriptedTurn =
  | { content: string }
  | { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> }
  | { error: { status: number; message: string; type?: string; code?: string } };

interface ChatRequestMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
}

export interface RecordedChatRequest {
  model: string;
  messages: ChatRequestMessage[];
  tools?: unknown[];
  /** The most tokens the answer may have, as the client asked (max_completion_tokens is its newer name). */
  max_tokens?: number;
  max_completion_tokens?: number;
  receivedAt: string;
  /** The tokens the answer reported, once it was given. */
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** Answers a request that no scripted turn is queued for; the offline model by default. */
export type Responder = (messages: ChatRequestMessage[], toolNames: string[]) => ScriptedTurn;

export class OpenAIStandIn {
  readonly requests: RecordedChatRequest[] = [];
  private readonly script: ScriptedTurn[] = [];
  private responder: Responder = offlineTurn;
  /** How long each answer takes, to stand in for a real model's latency (benchmarks use 0 and 800 ms). */
  latencyMs = 0;
  /** Keep every request for /sandbox/openai/requests; benchmarks turn this off to keep memory flat. */
  recordRequests = true;

  /** Replaces the offline model for unscripted requests (benchmarks use a deterministic one). */
  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  enqueue(...turns: ScriptedTurn[]): void {
    this.script.push(...turns);
  }

  register(app: FastifyInstance): void {
    app.post('/v1/chat/completions', async (request, reply) => {
      if (!request.headers.authorization?.startsWith('Bearer ')) {
        return reply.code(401).send(openAIError("You didn't provide an API key.", 'invalid_request_error', 'missing_api_key'));
      }
      const body = (request.body ?? {}) as Partial<RecordedChatRequest>;
      if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
        return reply.code(400).send(openAIError("'model' and a non-empty 'messages' array are required.", 'invalid_request_error', null));
      }
      const maxTokens = outputLimit(body);
      if (maxTokens === null) return reply.code(400).send(openAIError("'max_tokens' must be a positive integer.", 'invalid_request_error', null));
      const recorded: RecordedChatRequest = {
        model: body.model,
        messages: body.messages,
        tools: body.tools,
        ...(body.max_tokens !== undefined ? { max_tokens: body.max_tokens } : {}),
        ...(body.max_completion_tokens !== undefined ? { max_completion_tokens: body.max_completion_tokens } : {}),
        receivedAt: new Date().toISOString(),
      };
      if (this.recordRequests) this.requests.push(recorded);

      const turn = this.script.shift() ?? this.responder(body.messages, toolNames(body.tools));
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      if ('error' in turn) {
        return reply.code(turn.error.status).send(openAIError(turn.error.message, turn.error.type ?? 'api_error', turn.error.code ?? null));
      }
      const answer = completion(body.model, turn, { prompt: promptTokens(body.messages, body.tools), maxTokens });
      recorded.usage = answer.usage;
      return reply.send(answer);
    });

    app.get('/sandbox/openai/requests', async () => ({ requests: this.requests }));
    app.post('/sandbox/openai/script', async (request, reply) => {
      const turns = (request.body as { turns?: ScriptedTurn[] } | undefined)?.turns;
      if (!Array.isArray(turns)) return reply.code(400).send({ error: 'Expected { "turns": [...] }' });
      this.enqueue(...turns);
      return { queued: this.script.length };
    });
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.responder = offlineTurn;
  }
}

/** The function names offered in an OpenAI `tools` array; anything malformed is skipped. */
function toolNames(tools: unknown[] | undefined): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool) => {
    const name = (tool as { function?: { name?: unknown } } | null)?.function?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

/** The client's output limit: undefined when it set none, null when it set one OpenAI would refuse. */
function outputLimit(body: Partial<RecordedChatRequest>): number | undefined | null {
  const limit = body.max_completion_tokens ?? body.max_tokens;
  if (limit === undefined) return undefined;
  return Number.isInteger(limit) && limit > 0 ? limit : null;
}

/** What reading the request costs: every message as text, and the tool definitions the model is shown. */
function promptTokens(messages: ChatRequestMessage[], tools: unknown[] | undefined): number {
  const asText = (value: unknown) => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));
  const read = messages.reduce((sum, m) => sum + estimateTokens({ role: 'user', content: asText(m.content) + asText(m.tool_calls) }), 0);
  return read + (tools?.length ? estimateTokens({ role: 'system', content: JSON.stringify(tools) }) : 0);
}

/** `text` cut short until its estimate fits `maxTokens`, as a model stops writing at its limit. */
function cutToTokens(text: string, maxTokens: number): string {
  let kept = Array.from(text);
  while (kept.length > 0 && estimateTokens({ role: 'assistant', content: kept.join('') }) > maxTokens) kept = kept.slice(0, Math.floor(kept.length * 0.9));
  return kept.join('');
}

function completion(model: string, turn: Exclude<ScriptedTurn, { error: unknown }>, tokens: { prompt: number; maxTokens: number | undefined }) {
  const toolCalls =
    'toolCalls' in turn
      ? turn.toolCalls.map((call) => ({
          id: `call_${randomBytes(12).toString('hex')}`,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        }))
      : undefined;
  const written = 'content' in turn ? turn.content : null;
  const limit = tokens.maxTokens ?? Infinity;
  const cut = written !== null && estimateTokens({ role: 'assistant', content: written }) > limit;
  const content = cut ? cutToTokens(written, limit) : written;
  const completionTokens = Math.min(
    limit,
    estimateTokens({ role: 'assistant', content, toolCalls: toolCalls?.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) }),
  );
  return {
    id: `chatcmpl-${randomBytes(12).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: cut ? 'length' : toolCalls ? 'tool_calls' : 'stop',
      },
    ],
    usage: { prompt_tokens: tokens.prompt, completion_tokens: completionTokens, total_tokens: tokens.prompt + completionTokens },
  };
}

function openAIError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}
