// The arguments of `npm run usage`, apart from the command so they can be
// checked without a database.
import { parseArgs } from 'node:util';
import { parseLocalDate } from '../booking/time';

export const USAGE = `Usage:
  npm run usage -- [--business <id | phone_number_id | name>] [--since YYYY-MM-DD] [--json]

Model calls, tokens and cost per business and day (each business's own time zone),
from --since (default: the first day of this month, UTC) on; all businesses unless --business.`;

export class UsageArgsError extends Error {
  override name = 'UsageArgsError';
}

export interface UsageArgs {
  /** What names the business: its ID, phone_number_id or name; every business when absent. */
  business?: string;
  /** The first local day counted, YYYY-MM-DD. */
  since: string;
  json: boolean;
  help: boolean;
}

export function parseUsageArgs(args: string[], now: Date): UsageArgs {
  let values;
  try {
    ({ values } = parseArgs({
      // npm passes on the `--` that separates its own options from the script's.
      args: args.filter((arg) => arg !== '--'),
      strict: true,
      allowPositionals: false,
      options: { business: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    throw new UsageArgsError((err as Error).message);
  }
  const business = values.business?.trim();
  if (values.business !== undefined && !business) throw new UsageArgsError('--business needs an ID, a phone_number_id or a name');
  if (values.since !== undefined && !parseLocalDate(values.since)) throw new UsageArgsError(`--since "${values.since}" is not a date as YYYY-MM-DD`);
  return {
    ...(business ? { business } : {}),
    since: values.since ?? `${now.toISOString().slice(0, 7)}-01`,
    json: values.json ?? false,
    help: values.help ?? false,
  };
}
