import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Lets the Web UI list one business's conversations: `BusinessId = "..."`. */
export const BUSINESS_ID = defineSearchAttributeKey('BusinessId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [BUSINESS_ID];
