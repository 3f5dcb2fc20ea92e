// The agent loop over plain function steps: what the workflow and the
// synchronous baseline both run.
import { newProgress, runAgentLoop, type AgentLimits, type AgentSteps } from '../../src/agent/loop';
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
const limits = (maxIterations: number, maxToolCallsPerReply = 10): AgentLimits => ({ maxIterations, maxToolCallsPerReply });

test('a reply without tool calls ends the loop after one model call', async () => {
  const { steps } = scripted([text('Hello!')]);
  const progress = newProgress();
  expect(await runAgentLoop([{ role: 'user', content: 'hi' }], steps, limits(4), progress)).toEqual({ kind: 'answered', text: 'Hello!' });
  expect(progress).toEqual({ modelCalls: 1, toolCalls: [], options: [] });
});

test('tool calls run in order and their answers go back to the model before its reply', async () => {
  const { steps, ran } = scripted([tools(call('a', 'check_availability'), call('b', 'book_appointment')), text('Booked.')]);
  const messages: ChatMessage[] = [{ role: 'user', content: 'book me' }];
  const end = await runAgentLoop(messages, steps, limits(4));
  expect(end).toEqual({ kind: 'answered', text: 'Booked.' });
  expect(ran.map((c) => c.name)).toEqual(['check_availability', 'book_appointment']);
  expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant']);
  expect(messages[2]).toEqual({ role: 'tool', toolCallId: 'a', content: JSON.stringify({ ok: true, tool: 'check_availability' }) });
});

test('present_options is handled by the loop itself and its choices kept for the reply', async () => {
  const options = [{ id: 'slot:1', title: 'Mon 10:00', description: null }];
  const { steps, ran } = scripted([tools(call('p', 'present_options', { options })), text('Which one?')]);
  const progress = newProgress();
  await runAgentLoop([], steps, limits(4), progress);
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
  expect(await runAgentLoop([], steps, limits(3), progress)).toEqual({ kind: 'iteration-limit' });
  expect(progress.modelCalls).toBe(3);
  expect(ran).toHaveLength(3);
});

test('a failing step propagates, and the progress so far is still known', async () => {
  const { steps } = scripted([tools(call('1', 'list_my_appointments'))]);
  const progress = newProgress();
  await expect(runAgentLoop([], steps, limits(4), progress)).rejects.toThrow(/more often than scripted/);
  expect(progress).toMatchObject({ modelCalls: 2, toolCalls: [expect.objectContaining({ id: '1' })] });
});

describe('tool calls per reply', () => {
  const bookings = (n: number) => Array.from({ length: n }, (_, i) => call(`b${i}`, 'book_appointment', { start: `2026-12-0${(i % 9) + 1}T10:00` }));

  test.each([
    // [calls in the reply, cap, calls run]
    [1, 3, 1],
    [3, 3, 3],
    [4, 3, 3],
    [10, 3, 3],
    [10, 1, 1],
    [2, 5, 2],
  ])('%i calls in one reply with a cap of %i: %i run, and every call gets an answer', async (count, cap, expectedRun) => {
    const { steps, ran } = scripted([tools(...bookings(count)), text('Done.')]);
    const messages: ChatMessage[] = [{ role: 'user', content: 'book them all' }];
    const progress = newProgress();
    expect(await runAgentLoop(messages, steps, { maxIterations: 4, maxToolCallsPerReply: cap }, progress)).toEqual({ kind: 'answered', text: 'Done.' });

    expect(ran.map((c) => c.id)).toEqual(
      bookings(count)
        .slice(0, expectedRun)
        .map((c) => c.id),
    );
    expect(progress.toolCalls.map((c) => c.id)).toEqual(ran.map((c) => c.id));
    const answers = messages.filter((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool');
    expect(answers.map((m) => m.toolCallId)).toEqual(bookings(count).map((c) => c.id));
    for (const skipped of answers.slice(expectedRun)) {
      expect(JSON.parse(skipped.content)).toEqual({ ok: false, error: expect.stringMatching(new RegExp(`^Not run: at most ${cap} tool calls`)) });
    }
  });

  test('the cap counts per reply: a later reply runs its own calls', async () => {
    const { steps, ran } = scripted([tools(...bookings(5)), tools(call('x', 'list_my_appointments')), text('Done.')]);
    await runAgentLoop([], steps, { maxIterations: 4, maxToolCallsPerReply: 2 });
    expect(ran.map((c) => c.id)).toEqual(['b0', 'b1', 'x']);
  });
});
