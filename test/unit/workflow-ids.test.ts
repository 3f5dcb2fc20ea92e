import { messageWorkflowId } from '../../src/api/message-workflow-id';

// A wamid as Meta sends it: base64 that embeds the sender's number (34600111222).
const REAL_FORMAT_WAMID = 'wamid.HBgLMzQ2MDAxMTEyMjIVAgASGBQzQUY3NUQ0RjlGMEI5RTdEMTAwMQA=';

test('the workflow ID for a message is stable, so a redelivery maps to the same workflow', () => {
  expect(messageWorkflowId(REAL_FORMAT_WAMID)).toBe(messageWorkflowId(REAL_FORMAT_WAMID));
  expect(messageWorkflowId(REAL_FORMAT_WAMID)).not.toBe(messageWorkflowId(`${REAL_FORMAT_WAMID}x`));
  expect(messageWorkflowId(REAL_FORMAT_WAMID)).toMatch(/^wa-message-[0-9a-f]{32}$/);
});

test('the workflow ID carries neither the wamid nor the phone number inside it', () => {
  expect(Buffer.from(REAL_FORMAT_WAMID.slice('wamid.'.length), 'base64').toString('latin1')).toContain('34600111222');
  const id = messageWorkflowId(REAL_FORMAT_WAMID);
  expect(id).not.toContain('HBgL');
  expect(id).not.toContain('34600111222');
});
