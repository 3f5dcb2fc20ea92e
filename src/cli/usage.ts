// npm run usage -- [--business <id | phone_number_id | name>] [--since YYYY-MM-DD] [--json]
//
// Model calls, tokens and their cost per business and day, from the usage
// ledger (one row per billed model call) and the price table (src/usage/prices.ts
// with MODEL_PRICES over it). Needs only the database, so it runs beside
// `npm run dev` or in the production image (`node dist/cli/usage.js`).
import { loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { createDatabase } from '../db/client';
import { dailyUsage, findBusinesses } from '../db/usage-report';
import { parseModelPrices, priceTable } from '../usage/prices';
import { usageByBusiness, usageJson, usageTable } from '../usage/report';
import { parseUsageArgs, USAGE, UsageArgsError } from '../usage/usage-args';

/** Exit code 2, like a bad argument: the command was asked for something that is not there. */
class UnknownBusinessError extends Error {}

async function main(): Promise<void> {
  const args = parseUsageArgs(process.argv.slice(2), new Date());
  if (args.help) {
    console.log(USAGE);
    return;
  }
  loadDotEnv();
  const config = loadConfig();
  const prices = priceTable(parseModelPrices(config.MODEL_PRICES));
  const db = createDatabase(requireDatabaseUrl(config), { maxConnections: 1 });
  try {
    let businessId: string | undefined;
    if (args.business) {
      const found = await findBusinesses(db, args.business);
      if (found.length === 0) throw new UnknownBusinessError(`No business has the ID, phone_number_id or name "${args.business}".`);
      if (found.length > 1) {
        const which = found.map((b) => `${b.name} (${b.phoneNumberId})`).join(', ');
        throw new UnknownBusinessError(`"${args.business}" names ${found.length} businesses: ${which}. Give the phone_number_id.`);
      }
      businessId = found[0]!.id;
    }
    const usage = usageByBusiness(await dailyUsage(db, { since: args.since, businessId }), prices);
    process.stdout.write(args.json ? `${JSON.stringify(usageJson(args.since, usage), null, 2)}\n` : usageTable(args.since, usage));
  } finally {
    await db.$disconnect();
  }
}

main().catch((err: Error) => {
  console.error(err instanceof UsageArgsError ? `${err.message}\n\n${USAGE}` : err.message);
  process.exit(err instanceof UsageArgsError || err instanceof UnknownBusinessError ? 2 : 1);
});
