import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// What an operator can filter and show as columns in the Web UI's workflow list, for example
// every failed turn of one business today:
//   BusinessId = "…" AND Outcome IN ("model-failed", "turn-failed", "send-failed") AND StartTime > "2026-12-05T00:00:00Z"
// None holds personal data: the customer appears as the same keyed hash as in the logs.

/** The business a message or conversation belongs to. */
export const BUSINESS_ID = defineSearchAttributeKey('BusinessId', SearchAttributeType.KEYWORD);
/** The customer's keyed hash (LOG_HASH_KEY): the "from" of the API's log lines and the trace lines. */
export const CUSTOMER_KEY = defineSearchAttributeKey('CustomerKey', SearchAttributeType.KEYWORD);
/** How the message's workflow ended (TurnOutcome). */
export const OUTCOME = defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD);
/** The turn in a few words, for the list's column: "Booked Haircut Mon 7 Dec 11:00". */
export const TURN_SUMMARY = defineSearchAttributeKey('TurnSummary', SearchAttributeType.TEXT);

export const SEARCH_ATTRIBUTES = [BUSINESS_ID, CUSTOMER_KEY, OUTCOME, TURN_SUMMARY];

/** Longer summaries are cut: a column shows a few words, and PostgreSQL refuses a word over 2 KB in a text attribute. */
export const TEXT_ATTRIBUTE_MAX_CHARS = 400;

/**
 * A Text search attribute's value as every visibility store takes it. Temporal's PostgreSQL visibility
 * (schema v12, server 1.29) indexes Text values with a raw `::tsvector` cast, which reads them as tsvector
 * syntax: a colon (as in "11:00"), a quote or a backslash fails the workflow's whole visibility write, and
 * the Web UI goes on showing it as it was (temporalio/temporal#11085). Look-alike characters keep the words
 * as an operator reads them, on every store.
 */
export function textAttributeValue(text: string): string {
  const safe = text.replace(/:/g, '\u2236').replace(/'/g, '\u2019').replace(/\\/g, '\u29f5');
  const chars = Array.from(safe); // whole characters, so no emoji is cut in half
  return chars.length <= TEXT_ATTRIBUTE_MAX_CHARS ? safe : `${chars.slice(0, TEXT_ATTRIBUTE_MAX_CHARS - 1).join('')}…`;
}
