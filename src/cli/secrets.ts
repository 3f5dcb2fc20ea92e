// `npm run secrets -- rotate`
// Re-seals every secret stored in the database (Google refresh tokens, WhatsApp
// access tokens) with the first key of SECRETS_ENCRYPTION_KEYS, including those
// stored in clear before secrets were encrypted. To rotate the key: put the new
// key first (keeping the old one after it), restart the API and the worker, run
// this, then remove the old key and restart again. Prints counts, never values.
import { parseArgs } from 'node:util';
import { loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { secretsKeyring } from '../crypto/secrets';
import { resealStoredSecrets } from '../db/business-secrets';
import { createDatabase } from '../db/client';

const USAGE = 'Usage: npm run secrets -- rotate';

async function main(): Promise<number> {
  const { positionals } = parseArgs({ allowPositionals: true });
  if (positionals.length !== 1 || positionals[0] !== 'rotate') {
    console.error(USAGE);
    return 2;
  }
  loadDotEnv();
  const config = loadConfig();
  const secrets = secretsKeyring(config.SECRETS_ENCRYPTION_KEYS);
  const db = createDatabase(requireDatabaseUrl(config), { maxConnections: 1 });
  try {
    const counts = await resealStoredSecrets(db, secrets);
    let unreadable = 0;
    console.log(`Secrets re-sealed with key "${secrets.currentId}":`);
    for (const [column, c] of Object.entries(counts)) {
      console.log(
        `  ${column}: ${c.resealed} re-sealed from an older key, ${c.sealedFromClear} sealed from clear, ${c.current} already current, ${c.changedMeanwhile} changed meanwhile, ${c.unreadable.length} unreadable`,
      );
      for (const businessId of c.unreadable)
        console.log(`    unreadable: business ${businessId} (sealed with a key no longer in SECRETS_ENCRYPTION_KEYS, or altered)`);
      unreadable += c.unreadable.length;
    }
    if (unreadable > 0) {
      console.error('Some secrets could not be opened: keep the old keys until they are re-entered (reconnect the calendar, set the token again).');
      return 1;
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
