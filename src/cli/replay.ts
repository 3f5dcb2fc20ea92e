// `npm run replay -- fixtures/a.json [more.json]`: signs each recorded webhook
// with the app secret, POSTs it to the running app, waits for the workflow each
// message started, and prints its ID, a Web UI link and the reply it sent.
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DEV_DEFAULTS, loadConfig, loadDotEnv } from '../config';
import type { IntakeReport } from '../api/intake';
import { signBody } from '../whatsapp/signature';
import { dataConverterFor } from '../temporal/data-converter';
import { temporalConnectionOptions } from '../temporal/connection';
import { awaitMessageResult } from '../temporal/message-result';
import { createDatabase, type Database } from '../db/client';
import { LOCAL_DEV_DATABASE_URL } from '../local/postgres';
import { withinMs } from '../within';

const RESULT_TIMEOUT_MS = 120_000;

interface FixtureOutcome {
  file: string;
  ok: boolean;
}

function usage(): never {
  console.error('Usage: npm run replay -- <fixture.json> [more fixtures…]\n  SERVER_URL (default http://127.0.0.1:8000/webhook) is where they are sent.');
  process.exit(2);
}

/**
 * The project's fixtures name the demo number; a different PHONE_NUMBER_ID in the environment is put in its
 * place. A fixture written for another business (its own phone_number_id) goes to that business as written.
 */
function retarget(payload: unknown, phoneNumberId: string): unknown {
  const entries = (payload as { entry?: Array<{ changes?: Array<{ value?: { metadata?: { phone_number_id?: string } } }> }> }).entry ?? [];
  for (const entry of entries) {
    for (const change of entry.changes ?? []) {
      const metadata = change.value?.metadata;
      if (metadata?.phone_number_id === DEV_DEFAULTS.PHONE_NUMBER_ID) metadata.phone_number_id = phoneNumberId;
    }
  }
  return payload;
}

/** Signs and posts one fixture; undefined when it was not accepted (the reason is printed). */
async function postFixture(file: string, serverUrl: string, appSecret: string, phoneNumberId: string): Promise<IntakeReport | undefined> {
  let payload: unknown;
  try {
    payload = retarget(JSON.parse(fs.readFileSync(file, 'utf8')), phoneNumberId);
  } catch (err) {
    console.error(`✗ ${file}: cannot read fixture: ${(err as Error).message}`);
    return undefined;
  }
  const body = JSON.stringify(payload);
  let response: Response;
  try {
    response = await fetch(serverUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, appSecret) },
      body,
    });
  } catch (err) {
    console.error(`✗ ${file}: could not reach ${serverUrl}: ${(err as Error).message}. Is \`npm run dev\` running?`);
    return undefined;
  }
  if (!response.ok) {
    console.error(`✗ ${file}: webhook answered ${response.status}: ${await response.text()}`);
    return undefined;
  }
  const report = (await response.json()) as IntakeReport;
  console.log(`→ ${file}: ${report.messages.length} message(s), ${report.statuses.length} status update(s) accepted`);
  return report;
}

/** Waits for the workflows a fixture started and prints what each did. */
async function reportOutcome(file: string, report: IntakeReport, temporal: Client, db: Database, uiBase: string): Promise<FixtureOutcome> {
  console.log(`\n${file}`);
  let ok = true;
  for (const message of report.messages) {
    const link = message.workflowId ? `${uiBase}/namespaces/${temporal.options.namespace}/workflows/${encodeURIComponent(message.workflowId)}` : undefined;
    if (message.status === 'duplicate') {
      console.log(`  = ${message.id}: duplicate, already handled by workflow ${message.workflowId}\n    ${link}`);
      continue;
    }
    if (message.status !== 'started' || !message.workflowId) {
      console.error(`  ✗ ${message.id}: not processed (${message.status})`);
      ok = false;
      continue;
    }
    try {
      // The message's workflow ends once the message is handed on; the turn that took it is in the database.
      const result = await withinMs(
        awaitMessageResult(temporal, db, message.workflowId, { timeoutMs: RESULT_TIMEOUT_MS }),
        RESULT_TIMEOUT_MS,
        `no result after ${RESULT_TIMEOUT_MS / 1000} s (is the worker running?)`,
      );
      console.log(`  ✓ workflow ${message.workflowId}\n    ${link}\n    outcome: ${result.outcome}`);
      if (result.outcome === 'duplicate') console.log(`    (the database already had this message: ${result.duplicateOf})`);
      if (result.answeredBy)
        console.log(
          result.outcome === 'rate-limited'
            ? `    not answered: the customer's turn limit was reached (turn led by ${result.answeredBy})`
            : `    answered together with later messages, in the turn led by ${result.answeredBy}`,
        );
      if (result.outcome === 'rate-limited' && !result.answeredBy)
        console.log(
          result.replyText
            ? "    the customer's turn limit was reached: told once, no model call"
            : "    the customer's turn limit was reached: no reply, no model call",
        );
      if (result.outcome === 'budget-exceeded') console.log("    the business's daily token budget is spent: no model call, a person was asked for");
      if (result.replyText)
        console.log(
          `    reply:\n${result.replyText
            .split('\n')
            .map((l) => `      ${l}`)
            .join('\n')}`,
        );
      if (result.error) console.log(`    error: ${result.error}`);
      if (!['replied', 'duplicate', 'recorded', 'answered-with-later-message'].includes(result.outcome)) ok = false;
    } catch (err) {
      console.error(`  ✗ workflow ${message.workflowId} failed: ${(err as Error).message}\n    ${link}`);
      ok = false;
    }
  }
  for (const status of report.statuses) console.log(`  • status ${status.status} for ${status.id}: ${status.recorded}`);
  return { file, ok };
}

async function main(): Promise<void> {
  const files = process.argv.slice(2).filter((a) => a !== '--');
  if (files.length === 0) usage();
  loadDotEnv();
  // A development tool, for the stack `npm run dev` runs: the development defaults (app secret, payload keys) are its own.
  const config = loadConfig({ ...process.env, NODE_ENV: 'development' });
  const serverUrl = process.env.SERVER_URL || `http://127.0.0.1:${config.PORT}/webhook`;
  const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: 5_000 }).catch((err: Error) => {
    console.error(`Cannot reach Temporal at ${config.TEMPORAL_ADDRESS}: ${err.message}`);
    process.exit(1);
  });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config) });
  // The turn that answered a message is recorded in the database: DATABASE_URL, or the one `npm run dev` keeps.
  const db = createDatabase(config.DATABASE_URL ?? LOCAL_DEV_DATABASE_URL, { maxConnections: 2 });
  const outcomes: FixtureOutcome[] = [];
  // Everything is posted first, then awaited: fixtures sent together form a burst, as on a phone.
  const posted: Array<{ file: string; report?: IntakeReport }> = [];
  for (const file of files.map((f) => path.resolve(f)))
    posted.push({ file, report: await postFixture(file, serverUrl, config.APP_SECRET, config.PHONE_NUMBER_ID) });
  for (const { file, report } of posted) {
    outcomes.push(report ? await reportOutcome(file, report, temporal, db, config.TEMPORAL_UI_URL) : { file, ok: false });
  }
  await connection.close();
  await db.$disconnect();
  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`\n${outcomes.length - failed} of ${outcomes.length} fixture(s) processed`);
  process.exit(failed ? 1 : 0);
}

void main();
