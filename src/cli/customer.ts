// npm run customer -- export <phone_number_id> <wa_id|bsuid> [--out file]
// npm run customer -- erase <phone_number_id> <wa_id|bsuid> [--yes]
//
// A customer's rights over their data: a copy of everything held about them, and
// its erasure (src/privacy/). Connects to the database and Temporal as the worker
// does, so it runs beside `npm run dev` or against production with its settings.
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { Client, Connection } from '@temporalio/client';
import { calendarAccess, loadConfig, loadDotEnv, requireDatabaseUrl, type Config } from '../config';
import { secretsKeyring } from '../crypto/secrets';
import { createDatabase } from '../db/client';
import { exportCustomer, NotFoundError, type PrivacyDependencies } from '../privacy/customer-data';
import { eraseCustomer, type ErasureReport } from '../privacy/customer-erasure';
import { temporalConnectionOptions } from '../temporal/connection';
import { dataConverterFor } from '../temporal/data-converter';

const USAGE = `Usage:
  npm run customer -- export <phone_number_id> <wa_id|bsuid> [--out <file>]
  npm run customer -- erase <phone_number_id> <wa_id|bsuid> [--yes]`;

class UsageError extends Error {}

const REPORT_LINES: Array<[keyof ErasureReport, string]> = [
  ['customers', 'customer rows deleted'],
  ['messages', 'messages deleted'],
  ['turns', 'turns deleted'],
  ['modelUsageDetached', 'model usage rows detached (cost kept)'],
  ['appointmentsAnonymised', 'appointments kept without name'],
  ['auditEntriesScrubbed', 'audit entries cleared of the name'],
  ['calendarEventsRewritten', 'calendar events rewritten'],
  ['workflowExecutionsDeleted', 'Temporal workflow executions deleted'],
];

function parse(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options: { out: { type: 'string' }, yes: { type: 'boolean' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Written with owner-only permissions, also when the file already existed: it holds the customer's messages. */
function writePrivateFile(file: string, content: string): void {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

async function confirmed(phoneNumberId: string, identifier: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Erase customer ${identifier} of business ${phoneNumberId} everywhere? This cannot be undone. Type "erase": `);
    return answer.trim() === 'erase';
  } finally {
    prompt.close();
  }
}

/** The one place this command builds its Temporal client: the connection (TLS, API key) and payload encryption the worker uses. */
async function connectTemporal(config: Config): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: 5_000 }).catch((err: Error) => {
    throw new Error(`Cannot reach Temporal at ${config.TEMPORAL_ADDRESS}: ${err.message}`);
  });
  return {
    client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config) }),
    close: () => connection.close(),
  };
}

async function main(): Promise<void> {
  const { positionals, values } = parse(process.argv.slice(2).filter((a) => a !== '--'));
  const [command, phoneNumberId, identifier, ...extra] = positionals;
  if (command !== 'export' && command !== 'erase') throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
  if (!phoneNumberId || !identifier || extra.length) throw new UsageError(`${command} takes a phone_number_id and a wa_id or BSUID`);
  if (command === 'erase' && values.out) throw new UsageError('--out is for export');
  if (command === 'export' && values.yes) throw new UsageError('--yes is for erase');

  loadDotEnv();
  const config = loadConfig();
  const db = createDatabase(requireDatabaseUrl(config));
  const temporal = await connectTemporal(config);
  const deps: PrivacyDependencies = {
    db,
    temporal: temporal.client,
    calendarAccess: { ...calendarAccess(config), secrets: secretsKeyring(config.SECRETS_ENCRYPTION_KEYS) },
  };
  try {
    if (command === 'export') {
      const document = `${JSON.stringify(await exportCustomer(deps, phoneNumberId, identifier), null, 2)}\n`;
      if (values.out) {
        writePrivateFile(values.out, document);
        console.error(`Wrote the export to ${values.out} (readable by its owner only).`);
      } else {
        process.stdout.write(document);
      }
      return;
    }
    if (!values.yes && !(await confirmed(phoneNumberId, identifier))) throw new UsageError('Not erased: confirm on a terminal, or pass --yes');
    const report = await eraseCustomer(deps, { phoneNumberId, identifier, userEmail: `cli:${os.userInfo().username}` });
    console.log(
      report.customers === 0
        ? `Business ${phoneNumberId} holds no customer ${identifier} (never seen, or already erased): nothing to erase.`
        : `Erased customer ${identifier} of business ${phoneNumberId}:`,
    );
    for (const [key, label] of REPORT_LINES) console.log(`  ${String(report[key]).padStart(5)} ${label}`);
  } finally {
    await temporal.close();
    await db.$disconnect();
  }
}

main().catch((err: Error) => {
  console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : err.message);
  process.exit(err instanceof UsageError || err instanceof NotFoundError ? 2 : 1);
});
