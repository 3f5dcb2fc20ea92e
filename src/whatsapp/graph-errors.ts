// What a Cloud API error code means for sending again, from Meta's error code
// reference (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
// Every code has a reason a person can act on; it is stored with the failed
// message and shown in the workflow's result.

export interface GraphErrorClass {
  retryable: boolean;
  reason: string;
}

const back = (reason: string): GraphErrorClass => ({ retryable: true, reason });
const never = (reason: string): GraphErrorClass => ({ retryable: false, reason });

const GRAPH_ERROR_CLASSES: Record<number, GraphErrorClass> = {
  // Transient on Meta's side or throttling: sending later works.
  1: back('Meta reported an unknown, usually temporary, API error'),
  2: back('Meta reported the API service temporarily unavailable'),
  4: back("the app hit Meta's API call rate limit"),
  80007: back("the WhatsApp Business Account hit Meta's rate limit"),
  130429: back("the phone number hit Meta's messages-per-second throughput limit"),
  131000: back('Meta failed to send the message for an unknown reason'),
  131016: back("Meta's service is temporarily unavailable"),
  131056: back('too many messages to this customer in a short time (pair rate limit)'),
  133004: back("Meta's server was temporarily unavailable"),

  // Refusals that will repeat until something changes; sending again cannot help.
  100: never('Meta rejected a parameter of the request (invalid parameter)'),
  190: never('the WhatsApp access token is invalid or expired; renew it'),
  368: never('the phone number is temporarily blocked for policy violations'),
  131026: never("the message can't be delivered to this customer (not on WhatsApp, old app version, or they have not accepted the terms)"),
  131031: never('the business account is locked; check its status in WhatsApp Manager'),
  131047: never('more than 24 hours have passed since the customer last wrote; only a template message can reach them now'),
  131051: never('the message type is not supported'),
  // Meta limits numbers that look like spam: resending blindly makes it worse.
  131048: never('the number is spam-rate-limited by Meta; sending more now would make it worse'),
};

/** The Graph error codes that are sent again, and those that never are, in ascending order. */
export function graphCodes(retryable: boolean): number[] {
  return Object.entries(GRAPH_ERROR_CLASSES)
    .filter(([, c]) => c.retryable === retryable)
    .map(([code]) => Number(code))
    .sort((a, b) => a - b);
}

export function classifyGraphError(httpStatus: number, code: number | undefined): GraphErrorClass {
  const known = code !== undefined ? GRAPH_ERROR_CLASSES[code] : undefined;
  if (known) return known;
  // An unknown code: trust the HTTP status. 5xx and 429 are transient by HTTP's own meaning;
  // any other 4xx is a refusal, and retrying a refusal only risks a duplicate.
  if (httpStatus >= 500 || httpStatus === 429) return back(`Meta answered ${httpStatus}${code !== undefined ? ` with code ${code}` : ''}`);
  return never(`Meta refused the message (${httpStatus}${code !== undefined ? ` code ${code}` : ''})`);
}
