// `npm run dev`: the whole system on this machine. Starts (or reuses) the Temporal
// dev server, a database, the local sandbox, then the worker and the API as
// separate processes, prints where everything is, and stops it all on Ctrl-C.
import path from 'node:path';
import { DEV_DEFAULTS, hasGoogleCredentials, loadConfig, loadDotEnv } from '../config';
import { createDatabase } from '../db/client';
import { SANDBOX_CALENDAR_ID, seedDemoBusiness } from '../db/demo-business';
import { ensureDevAdmin } from '../admin/dev-admin';
import { buildConsole, watchConsole } from '../local/console-build';
import { applyMigrations } from '../local/migrate';
import { LOCAL_DEV_POSTGRES, startLocalPostgres, type LocalPostgres } from '../local/postgres';
import { isPortOpen, startProcess, waitFor, type ManagedProcess } from '../local/processes';
import { ensureTemporalCli, startTemporalDevServer, type DevServer } from '../local/temporal';
import { ensureNamespace } from '../local/temporal-namespace';
import { ensureTemporalServer, postgresLogin, startTemporalServer, TEMPORAL_SERVER_VERSION } from '../local/temporal-server';
import { ensureTemporalUi, startTemporalUi } from '../local/temporal-ui';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { sandboxLangfuseSettings } from '../sandbox/langfuse';
import { CODEC_PATH } from '../api/codec-routes';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { setIdentifierHashKey } from '../observability/privacy';
import { temporalConnectionOptions } from '../temporal/connection';

const projectRoot = path.resolve(__dirname, '..', '..');
const dataDir = path.join(projectRoot, '.data');
const LOCAL_POSTGRES_PORT = LOCAL_DEV_POSTGRES.port;
const TEMPORAL_UI_PORT = 8233;
const DEVELOPMENT = 'development';
/** The databases `--temporal=postgres` gives the Temporal server, next to the app's in the same PostgreSQL. */
const TEMPORAL_DATABASES = { persistence: 'temporal', visibility: 'temporal_visibility' };

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function prefixed(name: string) {
  return (line: string) => process.stdout.write(`[${name}] ${line}\n`);
}

async function main(): Promise<void> {
  let temporalMode: 'dev' | 'postgres';
  try {
    temporalMode = temporalModeFrom(process.argv.slice(2));
  } catch (err) {
    say((err as Error).message);
    process.exit(2);
  }
  loadDotEnv(path.join(projectRoot, '.env'));
  // Development, explicitly, for this process and the API and worker it starts: the only mode with the public
  // defaults and the sandbox (anything else fails closed, src/config.ts), whatever NODE_ENV the shell or .env had.
  const config = loadConfig({ ...process.env, NODE_ENV: DEVELOPMENT });
  setIdentifierHashKey(config.LOG_HASH_KEY ?? config.APP_SECRET);
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping…');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => say(`  ${(err as Error).message}`));
    say('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    // Database: DATABASE_URL if given, else a PostgreSQL cluster kept in .data/postgres.
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const postgres: LocalPostgres = await startLocalPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        port: LOCAL_POSTGRES_PORT,
        database: LOCAL_DEV_POSTGRES.database,
      });
      cleanups.push(postgres.stop);
      databaseUrl = postgres.url;
    }
    // Temporal: reuse a server already listening on TEMPORAL_ADDRESS, else start one.
    const [temporalHost, temporalPort] = config.TEMPORAL_ADDRESS.split(':');
    let temporal: Pick<DevServer, 'address' | 'uiUrl'> = { address: config.TEMPORAL_ADDRESS, uiUrl: config.TEMPORAL_UI_URL };
    const reusedTemporal = await isPortOpen(Number(temporalPort), temporalHost);
    if (reusedTemporal) {
      say(
        `Using the Temporal server already running at ${config.TEMPORAL_ADDRESS}${temporalMode === 'postgres' ? ' (--temporal=postgres starts one only when none is running)' : ''}`,
      );
      // Unlike the bundled dev server, it was not started with our namespace and search attribute.
      const created = await ensureNamespace({
        ...temporalConnectionOptions(config),
        namespace: config.TEMPORAL_NAMESPACE,
        searchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, valueType: key.type })),
      });
      if (created.length > 0) say(`  created on it: ${created.join(', ')}`);
    } else if (temporalMode === 'postgres') {
      temporal = await startTemporalOnPostgres(databaseUrl, Number(temporalPort), config, cleanups);
    } else {
      const binary = await ensureTemporalCli(say);
      const server = await startTemporalDevServer({
        binary,
        port: Number(temporalPort),
        uiPort: TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        namespace: config.TEMPORAL_NAMESPACE,
        searchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, type: cliTypeName(key.type) })),
        // Histories are encrypted; the UI asks the API's codec server to decode them for a signed-in platform admin.
        uiCodecEndpoint: `http://127.0.0.1:${config.PORT}${CODEC_PATH}`,
        echo: prefixed('temporal'),
      });
      cleanups.push(server.stop);
      temporal = server;
      // The flags above register search attributes only in a new database: one kept in .data/ from an
      // earlier version gets those added since then here, or every workflow start would be refused.
      const added = await ensureNamespace({
        ...temporalConnectionOptions(config),
        namespace: config.TEMPORAL_NAMESPACE,
        searchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, valueType: key.type })),
      });
      if (added.length > 0) say(`  added to the Temporal database in .data/: ${added.join(', ')}`);
    }

    await applyMigrations(databaseUrl);
    const db = createDatabase(databaseUrl, { maxConnections: 2 });
    const useSandboxCalendar = !hasGoogleCredentials(config);
    const demo = await seedDemoBusiness(db, config.PHONE_NUMBER_ID, useSandboxCalendar ? { googleCalendarId: SANDBOX_CALENDAR_ID } : {});
    const devAdmin = await ensureDevAdmin(db, dataDir, demo.id);
    await db.$disconnect();

    // Sandbox: stands in for Meta and OpenAI wherever no real credentials are configured.
    const useSandboxGraph = config.WHATSAPP_ACCESS_TOKEN === DEV_DEFAULTS.WHATSAPP_ACCESS_TOKEN;
    const useSandboxModel = config.OPENAI_API_KEY === DEV_DEFAULTS.OPENAI_API_KEY;
    // Langfuse traces without a Langfuse account: the sandbox's stand-in receives them.
    const useSandboxLangfuse = config.TRACER_TYPE === 'langfuse' && !(config.LANGFUSE_PUBLIC_KEY && config.LANGFUSE_SECRET_KEY);
    let sandbox: Sandbox | undefined;
    if (useSandboxGraph || useSandboxModel || useSandboxCalendar || useSandboxLangfuse) {
      sandbox = await startSandbox({
        port: config.SANDBOX_PORT,
        whatsappAccessToken: config.WHATSAPP_ACCESS_TOKEN,
        googleAccessToken: DEV_DEFAULTS.GOOGLE_CALENDAR_ACCESS_TOKEN,
      });
      cleanups.push(sandbox.close);
    }

    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: DEVELOPMENT,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      ...(useSandboxGraph && sandbox ? { GRAPH_API_BASE_URL: sandbox.url } : {}),
      ...(useSandboxModel && sandbox ? { OPENAI_BASE_URL: `${sandbox.url}/v1` } : {}),
      ...(useSandboxLangfuse && sandbox ? sandboxLangfuseSettings(sandbox.url) : {}),
      ...(useSandboxCalendar && sandbox
        ? {
            GOOGLE_CALENDAR_ROOT_URL: sandbox.url,
            GOOGLE_CALENDAR_ACCESS_TOKEN: DEV_DEFAULTS.GOOGLE_CALENDAR_ACCESS_TOKEN,
            // The sandbox's OAuth stand-in approves at once, so "Connect Google Calendar" in the console works offline.
            GOOGLE_OAUTH_CLIENT_ID: DEV_DEFAULTS.GOOGLE_OAUTH_CLIENT_ID,
            GOOGLE_OAUTH_CLIENT_SECRET: DEV_DEFAULTS.GOOGLE_OAUTH_CLIENT_SECRET,
            GOOGLE_OAUTH_AUTH_URL: `${sandbox.url}/o/oauth2/v2/auth`,
            GOOGLE_OAUTH_TOKEN_URL: `${sandbox.url}/token`,
          }
        : {}),
    };
    // The console's pages are built before the API starts, then rebuilt on every change under admin/.
    await buildConsole();
    const tsx = require.resolve('tsx/cli', { paths: [projectRoot] });
    const children: ManagedProcess[] = [
      startProcess('worker', process.execPath, [tsx, path.join(projectRoot, 'src/worker/main.ts')], { env: childEnv, echo: prefixed('worker') }),
      startProcess('api', process.execPath, [tsx, path.join(projectRoot, 'src/api/main.ts')], { env: childEnv, echo: prefixed('api') }),
      watchConsole(prefixed('console')),
    ];
    for (const child of children) {
      cleanups.push(() => child.stop('SIGTERM', 25_000));
      child.child.once('exit', () => {
        if (!stopping) {
          say(`The ${child.name} process exited (${child.exitReason()}); stopping everything.`);
          void stopAll(1);
        }
      });
    }

    const webhookUrl = `http://127.0.0.1:${config.PORT}/webhook`;
    await waitFor('the API', async () => ((await fetch(`http://127.0.0.1:${config.PORT}/readyz`)).ok ? true : undefined), {
      timeoutMs: 60_000,
      isDead: () => children.find((c) => c.exitReason())?.exitReason(),
    });
    // Like Meta, the Graph stand-in reports sent/delivered statuses to the webhook, signed with the app secret.
    if (sandbox && useSandboxGraph) sandbox.graph.deliverStatusesTo({ url: webhookUrl, appSecret: config.APP_SECRET });
    say('');
    say('WhatsApp booking agent is running');
    say(
      `  Webhook           ${webhookUrl}  (verify token: ${config.VERIFY_TOKEN === DEV_DEFAULTS.VERIFY_TOKEN ? DEV_DEFAULTS.VERIFY_TOKEN : 'from VERIFY_TOKEN'})`,
    );
    say(`  Health            http://127.0.0.1:${config.PORT}/readyz`);
    say(`  Metrics           http://127.0.0.1:${config.API_METRICS_PORT}/metrics (API), http://127.0.0.1:${config.WORKER_METRICS_PORT}/metrics (worker)`);
    say(
      `  Agent-run traces  ${config.TRACER_TYPE === 'console' ? 'the worker\'s lines with "trace" (TRACER_TYPE=console)' : `TRACER_TYPE=${config.TRACER_TYPE}`}`,
    );
    say(`  Temporal Web UI   ${temporal.uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`);
    say(
      `  Temporal server   ${temporal.address}${temporalMode === 'postgres' && !reusedTemporal ? ` (Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL: databases ${TEMPORAL_DATABASES.persistence}, ${TEMPORAL_DATABASES.visibility})` : ''}`,
    );
    const codecEndpoint = `http://127.0.0.1:${config.PORT}${CODEC_PATH}`;
    say(`  Encrypted payloads: decode them at ${codecEndpoint}`);
    if (temporalMode === 'postgres' && !reusedTemporal) {
      // This UI is configured to send the console's session cookie to the codec server.
      say(`    in the Web UI   sign in to the console first; the UI then decodes them`);
    } else {
      // The dev server cannot tell its UI to send cookies to the codec server, so each browser opts in once.
      say(`    in the Web UI   sign in to the console, then in the UI's Codec Server settings (the glasses icon) choose`);
      say(`                    "Use my browser setting", paste the endpoint and turn on "Include cross-origin credentials"`);
    }
    say(
      `    with the CLI    temporal workflow show -w <workflow id> --codec-endpoint ${codecEndpoint} --codec-auth 'Bearer ${config.CODEC_AUTH_TOKEN === DEV_DEFAULTS.CODEC_AUTH_TOKEN ? DEV_DEFAULTS.CODEC_AUTH_TOKEN : '$CODEC_AUTH_TOKEN'}'`,
    );
    say(`  Database          ${config.DATABASE_URL ? 'DATABASE_URL' : `local PostgreSQL in .data/postgres (port ${LOCAL_POSTGRES_PORT})`}`);
    say(`  Demo business     ${demo.created ? 'created' : 'found'} for phone_number_id ${config.PHONE_NUMBER_ID}`);
    say(
      `  Console           http://127.0.0.1:${config.PORT}/admin  (sign in as ${devAdmin.email} / ${devAdmin.password ?? 'the password you set'}${devAdmin.created ? ', just created' : ''})`,
    );
    if (sandbox) {
      say(`  Sandbox           ${sandbox.url}/sandbox`);
      if (useSandboxGraph) say(`    sent WhatsApp messages  ${sandbox.url}/sandbox/whatsapp/messages  (statuses posted back to the webhook)`);
      say(`    fault injection         ${sandbox.url}/sandbox/faults`);
      if (useSandboxModel) say(`    model requests          ${sandbox.url}/sandbox/openai/requests  (offline stand-in model)`);
      if (useSandboxCalendar) say(`    calendar events         ${sandbox.url}/sandbox/calendar/events`);
      if (useSandboxLangfuse) say(`    Langfuse traces         ${sandbox.url}/sandbox/langfuse/traces  (TRACER_TYPE=langfuse without keys)`);
    }
    say('');
    say(`Try it:  npm run replay -- fixtures/simple_greeting.json`);
    say('Press Ctrl-C to stop.');
  } catch (err) {
    say(`\nCould not start: ${(err as Error).message}`);
    await stopAll(1);
  }
}

/**
 * `--temporal=postgres`: the Temporal server itself (the release a cluster runs) on the
 * project's PostgreSQL, databases `temporal` and `temporal_visibility`, schemas applied by
 * Temporal's schema tool, and the Web UI as its own server. Data lives in that PostgreSQL.
 */
async function startTemporalOnPostgres(
  databaseUrl: string,
  port: number,
  config: ReturnType<typeof loadConfig>,
  cleanups: Array<() => Promise<void>>,
): Promise<Pick<DevServer, 'address' | 'uiUrl'>> {
  const [build, uiBinary] = [await ensureTemporalServer(say), await ensureTemporalUi(say)];
  say(`Starting the Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL (databases ${TEMPORAL_DATABASES.persistence}, ${TEMPORAL_DATABASES.visibility})…`);
  const server = await startTemporalServer({
    build,
    login: postgresLogin(databaseUrl),
    databases: TEMPORAL_DATABASES,
    port,
    rootDir: path.join(dataDir, 'temporal-server'),
    echo: prefixed('temporal'),
  });
  cleanups.push(server.stop);
  const created = await ensureNamespace({
    ...temporalConnectionOptions(config),
    address: server.address,
    namespace: config.TEMPORAL_NAMESPACE,
    searchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, valueType: key.type })),
  });
  if (created.length > 0) say(`  created on it: ${created.join(', ')}`);
  const ui = await startTemporalUi({
    binary: uiBinary,
    temporalAddress: server.address,
    port: TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    rootDir: path.join(dataDir, 'temporal-ui'),
    codecEndpoint: `http://127.0.0.1:${config.PORT}${CODEC_PATH}`,
    echo: prefixed('temporal-ui'),
  });
  cleanups.push(ui.stop);
  return { address: server.address, uiUrl: ui.url };
}

/** `--temporal=dev` (the default: the CLI's dev server on SQLite in .data/) or `--temporal=postgres`. */
function temporalModeFrom(args: string[]): 'dev' | 'postgres' {
  let mode = 'dev';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--temporal=')) mode = arg.slice('--temporal='.length);
    else if (arg === '--temporal') mode = args[++i] ?? '';
    else throw new Error(`Unknown option ${arg}. npm run dev takes --temporal=dev (the default) or --temporal=postgres.`);
  }
  if (mode !== 'dev' && mode !== 'postgres') throw new Error(`--temporal must be dev or postgres, not "${mode}".`);
  return mode;
}

/** The CLI spells search attribute types as in the Web UI (Keyword, Text, Int, …). */
function cliTypeName(type: string): string {
  return type.charAt(0) + type.slice(1).toLowerCase();
}

void main();
