// Stand-in for an OpenAI-compatible chat completions endpoint. Tests script the
// model's turns (text, tool calls or an HTTP error); without a script a small
// rule-based model answers (offline-model.ts), which calls the real tools and
// says plainly that it is an offline model.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
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
  receivedAt: string;
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
      if (this.recordRequests) this.requests.push({ model: body.model, messages: body.messages, tools: body.tools, receivedAt: new Date().toISOString() });

      const turn = this.script.shift() ?? this.responder(body.messages, toolNames(body.tools));
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      if ('error' in turn) {
        return reply.code(turn.error.status).send(openAIError(turn.error.message, turn.error.type ?? 'api_error', turn.error.code ?? null));
      }
      return reply.send(completion(body.model, turn));
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

function completion(model: string, turn: Exclude<ScriptedTurn, { error: unknown }>) {
  const toolCalls =
    'toolCalls' in turn
      ? turn.toolCalls.map((call) => ({
          id: `call_${randomBytes(12).toString('hex')}`,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        }))
      : undefined;
  const content = 'content' in turn ? turn.content : null;
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
        finish_reason: toolCalls ? 'tool_calls' : 'stop',
      },
    ],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

function openAIError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}
