// The agent loop over plain function steps: what the workflow and the
// synchronous baseline both run.
import { newProgress, runAgentLoop, type AgentSteps } from '../../src/agent/loop';
import type { ChatMessage, ModelReply, ToolCall } from '../../src/agent/types';

function scripted(replies: ModelReply[], toolAnswer = (call: ToolCall) => JSON.stringify({ ok: true, tool: call.name })) {
  const ran: ToolCall[] = [];
  const steps: AgentSteps = {
    callModel: async () => {
      const next = replies.shift();
      if (!next) throw new Error('the model was called more often than scripted');
      return next;
    },
    runTool: async (call) => {
      ran.push(call);
      return toolAnswer(call);
    },
  };
  return { steps, ran };
}

const call = (id: string, name: string, args: object = {}): ToolCall => ({ id, name, arguments: JSON.stringify(args) });
const text = (content: string): ModelReply => ({ content, toolCalls: [], finishReason: 'stop' });
const tools = (...toolCalls: ToolCall[]): ModelReply => ({ content: null, toolCalls, finishReason: 'tool_calls' });

test('a reply without tool calls ends the loop after one model call', async () => {
  const { steps } = scripted([text('Hello!')]);
  const progress = newProgress();
  expect(await runAgentLoop([{ role: 'user', content: 'hi' }], steps, 4, progress)).toEqual({ kind: 'answered', text: 'Hello!' });
  expect(progress).toEqual({ modelCalls: 1, toolCalls: [], options: [] });
});

test('tool calls run in order and their answers go back to the model before its reply', async () => {
  const { steps, ran } = scripted([tools(call('a', 'check_availability'), call('b', 'book_appointment')), text('Booked.')]);
  const messages: ChatMessage[] = [{ role: 'user', content: 'book me' }];
  const end = await runAgentLoop(messages, steps, 4);
  expect(end).toEqual({ kind: 'answered', text: 'Booked.' });
  expect(ran.map((c) => c.name)).toEqual(['check_availability', 'book_appointment']);
  expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
  expect(messages[2]).toEqual({ role: 'tool', toolCallId: 'a', content: JSON.stringify({ ok: true, tool: 'check_availability' }) });
});

test('present_options is handled by the loop itself and its choices kept for the reply', async () => {
  const options = [{ id: 'slot:1', title: 'Mon 10:00', description: null }];
  const { steps, ran } = scripted([tools(call('p', 'present_options', { options })), text('Which one?')]);
  const progress = newProgress();
  await runAgentLoop([], steps, 4, progress);
  expect(ran).toEqual([]);
  expect(progress.options).toEqual([{ id: 'slot:1', title: 'Mon 10:00' }]);
});

test('the iteration limit ends a model that keeps calling tools', async () => {
  const { steps, ran } = scripted([
    tools(call('1', 'list_my_appointments')),
    tools(call('2', 'list_my_appointments')),
    tools(call('3', 'list_my_appointments')),
  ]);
  const progress = newProgress();
  expect(await runAgentLoop([], steps, 3, progress)).toEqual({ kind: 'iteration-limit' });
  expect(progress.modelCalls).toBe(3);
  expect(ran).toHaveLength(3);
});

test('a failing step propagates, and the progress so far is still known', async () => {
  const { steps } = scripted([tools(call('1', 'list_my_appointments'))]);
  const progress = newProgress();
  await expect(runAgentLoop([], steps, 4, progress)).rejects.toThrow(/more often than scripted/);
  expect(progress).toMatchObject({ modelCalls: 2, toolCalls: [expect.objectContaining({ id: '1' })] });
});
