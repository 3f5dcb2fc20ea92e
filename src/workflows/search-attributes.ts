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
