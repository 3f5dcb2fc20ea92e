// The replay command as a user runs it: a separate process that signs fixtures,
// posts them to the running app and waits for their workflows.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { weekdayOf } from '../../src/booking/time';
import { messageWorkflowId } from '../../src/api/message-workflow-id';
import { DEMO_PHONE_NUMBER_ID, TEST_APP_SECRET, TEST_PAYLOAD_KEYS, useStack } from '../support/stack';

const execFileAsync = promisify(execFile);
const root = path.resolve(__dirname, '../..');

const stack = useStack();

beforeAll(async () => {
  // Room for three posts from a separate process to land inside one quiet window.
  await stack.database.db.business.update({ where: { id: stack.businessId }, data: { replyQuietWindowMs: 1500, replyMaxWaitMs: 5000 } });
});

async function replay(...files: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [require.resolve('tsx/cli'), 'src/cli/replay.ts', ...files], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        SERVER_URL: stack.webhookUrl,
        APP_SECRET: TEST_APP_SECRET,
        PHONE_NUMBER_ID: DEMO_PHONE_NUMBER_ID,
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
        // The stack's keys: the CLI reads the workflow's result, which the worker encrypted.
        TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
        // And the stack's database, where the turn that answered each message is recorded.
        DATABASE_URL: stack.database.url,
      },
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

test('replays a fixture, prints the workflow, its Web UI link and the reply; a second replay is a duplicate', async () => {
  const first = await replay('fixtures/appointment_request.json');
  expect(first.code).toBe(0);
  const workflowId = messageWorkflowId('wamid.HBgMMzkzNDAxMjM0NTY3FQIAEhgUM0E0QjFDMkQzRTRGNUE2QjdDOEQA');
  expect(first.output).toContain(`✓ workflow ${workflowId}`);
  expect(first.output).toContain(`/namespaces/default/workflows/${workflowId}`);
  // The offline model books the haircut on the coming Monday at 17:00, which the demo business takes on any day.
  const booked = /✅ Booked \*Haircut\* on (\d{4}-\d{2}-\d{2}) at 17:00/.exec(first.output);
  expect(booked).not.toBeNull();
  expect(weekdayOf(booked![1]!)).toBe('mon');
  expect(stack.sandbox.graph.sent).toHaveLength(1);

  const second = await replay('fixtures/appointment_request.json');
  expect(second.code).toBe(0);
  expect(second.output).toContain(`duplicate, already handled by workflow ${workflowId}`);
  expect(stack.sandbox.graph.sent).toHaveLength(1);
});

test('fixtures replayed together arrive as a burst and get one answer', async () => {
  const sentBefore = stack.sandbox.graph.sent.length;
  const result = await replay('fixtures/burst_1_hello.json', 'fixtures/burst_2_service.json', 'fixtures/burst_3_when.json');
  expect(result.code).toBe(0);
  expect(result.output.match(/answered together with later messages/g)).toHaveLength(2);
  expect(result.output).toMatch(/3 of 3 fixture\(s\) processed/);
  expect(stack.sandbox.graph.sent.slice(sentBefore).map((m) => m.to)).toEqual(['34611222333']);
});

test('exits non-zero when a fixture cannot be processed, and says why', async () => {
  const result = await replay('fixtures/does-not-exist.json');
  expect(result.code).toBe(1);
  expect(result.output).toMatch(/cannot read fixture/);
  expect(result.output).toMatch(/0 of 1 fixture\(s\) processed/);
});

test("a fixture written for another business's number goes to that business, not the demo", async () => {
  const other = await stack.database.db.business.create({ data: { name: 'Barbería Norte', phoneNumberId: '100000000000555' }, select: { id: true } });
  const fixture = JSON.parse(fs.readFileSync(path.join(root, 'fixtures/simple_greeting.json'), 'utf8')) as {
    entry: Array<{ changes: Array<{ value: { metadata: { phone_number_id: string }; messages: Array<{ id: string }> } }> }>;
  };
  const value = fixture.entry[0]!.changes[0]!.value;
  value.metadata.phone_number_id = '100000000000555';
  value.messages[0]!.id = 'wamid.replay-other-business';
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-')), 'norte.json');
  fs.writeFileSync(file, JSON.stringify(fixture));

  expect((await replay(file)).code).toBe(0);
  const recorded = await stack.database.db.message.findUniqueOrThrow({ where: { wamid: 'wamid.replay-other-business' }, select: { businessId: true } });
  expect(recorded.businessId).toBe(other.id);
});
