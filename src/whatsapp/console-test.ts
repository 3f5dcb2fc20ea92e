// The identifiers of the console's "Try it" chat, in which an owner writes to
// their own bot as a test customer. They are made so that no real WhatsApp ID
// can ever look like them: Meta's BSUIDs are a country code, a dot and digits,
// and its wamids are "wamid." and base64, which has no "-" or "." in it. Pure.

const TEST_BSUID_PREFIX = 'console-test:';
const TEST_WAMID_PREFIX = 'wamid.console-test.';

/** The business-scoped user ID of a console user's test customer (one per user and business). */
export const testCustomerBsuid = (userId: string): string => `${TEST_BSUID_PREFIX}${userId}`;

export const isTestCustomerBsuid = (bsuid: string | null | undefined): boolean => !!bsuid?.startsWith(TEST_BSUID_PREFIX);

/** The message ID of one message written in the chat: the browser's request ID, so a double submit is one message. */
export const testMessageWamid = (requestId: string): string => `${TEST_WAMID_PREFIX}${requestId}`;

export const isTestMessageWamid = (wamid: string): boolean => wamid.startsWith(TEST_WAMID_PREFIX);

/** The request ID a chat message was written under; undefined for any other wamid. */
export const requestIdOf = (wamid: string | null): string | undefined =>
  wamid && isTestMessageWamid(wamid) ? wamid.slice(TEST_WAMID_PREFIX.length) : undefined;
