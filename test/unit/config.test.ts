import { randomBytes } from 'node:crypto';
import { ConfigError, DEV_DEFAULTS, REQUIRED_OUTSIDE_DEVELOPMENT, loadConfig, requireDatabaseUrl } from '../../src/config';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

const PRODUCTION_REQUIRED = {
  APP_SECRET: 'prod-secret',
  VERIFY_TOKEN: 'prod-verify',
  WHATSAPP_ACCESS_TOKEN: 'prod-access-token',
  OPENAI_API_KEY: 'sk-prod',
  DATABASE_URL: 'postgresql://app@db:5432/app',
  TEMPORAL_PAYLOAD_KEYS: key('payload-2026'),
  SECRETS_ENCRYPTION_KEYS: key('secrets-2026'),
  LOG_HASH_KEY: 'prod-log-hash-key-0123',
} as const;

const production = (extra: Record<string, string | undefined> = {}) => ({ NODE_ENV: 'production', ...PRODUCTION_REQUIRED, ...extra });
/** Tests of parsing and defaults run as development, where nothing is required. */
const dev = (extra: Record<string, string | undefined> = {}) => ({ NODE_ENV: 'development', ...extra });

/** Runs loadConfig and returns the ConfigError it throws (failing the test if it does not). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig did not throw');
}

describe('development defaults (NODE_ENV=development only)', () => {
  const config = loadConfig(dev());

  test.each<[string, unknown]>([
    ['isDevelopment', true],
    ['HOST', '127.0.0.1'],
    ['PORT', 8000],
    ['LOG_LEVEL', 'info'],
    ['APP_SECRET', DEV_DEFAULTS.APP_SECRET],
    ['VERIFY_TOKEN', DEV_DEFAULTS.VERIFY_TOKEN],
    ['PHONE_NUMBER_ID', DEV_DEFAULTS.PHONE_NUMBER_ID],
    ['WEBHOOK_BODY_LIMIT_BYTES', 1024 * 1024],
    ['WHATSAPP_ACCESS_TOKEN', DEV_DEFAULTS.WHATSAPP_ACCESS_TOKEN],
    ['GRAPH_API_BASE_URL', 'https://graph.facebook.com'],
    ['GRAPH_API_VERSION', 'v23.0'],
    ['OPENAI_API_KEY', DEV_DEFAULTS.OPENAI_API_KEY],
    ['OPENAI_BASE_URL', undefined],
    ['OPENAI_MODEL', 'gpt-4o-mini'],
    ['AGENT_MAX_ITERATIONS', 6],
    ['DATABASE_URL', undefined],
    ['TEMPORAL_ADDRESS', '127.0.0.1:7233'],
    ['TEMPORAL_NAMESPACE', 'default'],
    ['TEMPORAL_TASK_QUEUE', 'whatsapp-agent'],
    ['TEMPORAL_UI_URL', 'http://127.0.0.1:8233'],
    ['TEMPORAL_PAYLOAD_KEYS', DEV_DEFAULTS.TEMPORAL_PAYLOAD_KEYS],
    ['SECRETS_ENCRYPTION_KEYS', DEV_DEFAULTS.SECRETS_ENCRYPTION_KEYS],
    ['CODEC_AUTH_TOKEN', DEV_DEFAULTS.CODEC_AUTH_TOKEN],
    ['TEMPORAL_API_KEY', undefined],
    ['TEMPORAL_TLS_CERT', undefined],
    ['LOG_HASH_KEY', undefined],
    ['SANDBOX_PORT', 8090],
    ['TRACE_LOG_PII', false],
    ['HTTP_REQUEST_TIMEOUT_MS', 30_000],
    ['HTTP_IDLE_TIMEOUT_MS', 60_000],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', 10_000],
    ['WORKER_HEALTH_PORT', undefined],
    // npm run dev gives the sandbox's OAuth client to its children only: unset, the console offers no calendar connection.
    ['GOOGLE_OAUTH_CLIENT_ID', undefined],
    ['PUBLIC_URL', undefined],
  ])('%s defaults to %p', (key, expected) => {
    expect(config[key as keyof typeof config]).toEqual(expected);
  });

  test('the dev defaults are the documented constants', () => {
    expect(DEV_DEFAULTS).toEqual({
      APP_SECRET: 'dev-app-secret',
      VERIFY_TOKEN: 'dev-verify-token',
      PHONE_NUMBER_ID: '100000000000001',
      WHATSAPP_ACCESS_TOKEN: 'sandbox-access-token',
      OPENAI_API_KEY: 'sandbox-openai-key',
      GOOGLE_CALENDAR_ACCESS_TOKEN: 'sandbox-google-token',
      GOOGLE_OAUTH_CLIENT_ID: 'sandbox-oauth-client.apps.googleusercontent.com',
      GOOGLE_OAUTH_CLIENT_SECRET: 'sandbox-oauth-client-secret',
      TEMPORAL_PAYLOAD_KEYS: 'dev1:ZGV2ZWxvcG1lbnQtb25seS1wYXlsb2FkLWtleS0zMmI=',
      SECRETS_ENCRYPTION_KEYS: 'dev1:ZGV2ZWxvcG1lbnQtb25seS1zZWNyZXRzLWtleS0zMmI=',
      CODEC_AUTH_TOKEN: 'dev-codec-auth-token',
    });
  });

  test('given values override defaults and numbers are coerced', () => {
    const c = loadConfig(
      dev({
        HOST: '0.0.0.0',
        PORT: '3000',
        LOG_LEVEL: 'debug',
        APP_SECRET: 's',
        PHONE_NUMBER_ID: '123',
        WEBHOOK_BODY_LIMIT_BYTES: '2048',
        GRAPH_API_VERSION: 'v19.0',
        OPENAI_BASE_URL: 'http://127.0.0.1:8090/v1',
        AGENT_MAX_ITERATIONS: '20',
        SANDBOX_PORT: '0',
        HTTP_REQUEST_TIMEOUT_MS: '500',
        WORKER_HEALTH_PORT: '8001',
      }),
    );
    expect(c).toMatchObject({
      HOST: '0.0.0.0',
      PORT: 3000,
      LOG_LEVEL: 'debug',
      APP_SECRET: 's',
      PHONE_NUMBER_ID: '123',
      WEBHOOK_BODY_LIMIT_BYTES: 2048,
      GRAPH_API_VERSION: 'v19.0',
      OPENAI_BASE_URL: 'http://127.0.0.1:8090/v1',
      AGENT_MAX_ITERATIONS: 20,
      SANDBOX_PORT: 0,
      HTTP_REQUEST_TIMEOUT_MS: 500,
      WORKER_HEALTH_PORT: 8001,
    });
  });

  test('unrelated variables are not copied into the config', () => {
    const c = loadConfig(dev({ PATH: '/usr/bin', HOME: '/root', SOME_SECRET: 'x' }));
    expect(c).not.toHaveProperty('PATH');
    expect(c).not.toHaveProperty('SOME_SECRET');
  });

  test('the env object passed in is not modified', () => {
    const env = dev({ PORT: '3000', APP_SECRET: '' });
    const copy = { ...env };
    loadConfig(env);
    expect(env).toEqual(copy);
  });
});

describe('fails closed: anything but NODE_ENV=development needs every secret', () => {
  // Unset, misspelt, another case, a shorthand, or jest's own default: none of them is development.
  const NOT_DEVELOPMENT: Array<[string, string | undefined]> = [
    ['unset', undefined],
    ['empty', ''],
    ['production', 'production'],
    ['prod', 'prod'],
    ['Development', 'Development'],
    ['DEVELOPMENT', 'DEVELOPMENT'],
    ['development with a space', 'development '],
    ['dev', 'dev'],
    ['test', 'test'],
    ['staging', 'staging'],
  ];

  test.each(NOT_DEVELOPMENT)('NODE_ENV %s: refuses to start and names every missing secret', (_label, nodeEnv) => {
    const err = configError({ NODE_ENV: nodeEnv });
    expect(err.name).toBe('ConfigError');
    expect(err.message.startsWith(`Missing required environment variables: ${REQUIRED_OUTSIDE_DEVELOPMENT.join(', ')}`)).toBe(true);
  });

  test.each(NOT_DEVELOPMENT)('NODE_ENV %s: with every secret given it loads, without development defaults', (_label, nodeEnv) => {
    const c = loadConfig({ ...PRODUCTION_REQUIRED, NODE_ENV: nodeEnv });
    expect(c.isDevelopment).toBe(false);
    expect(c).toMatchObject(PRODUCTION_REQUIRED);
    // Optional ones stay unset rather than taking the public value.
    expect(c.CODEC_AUTH_TOKEN).toBeUndefined();
  });

  test.each<[string | undefined, string]>([
    [undefined, 'NODE_ENV is unset: development defaults apply only with NODE_ENV=development'],
    ['prod', 'NODE_ENV is "prod": development defaults apply only with NODE_ENV=development'],
    ['Development', 'NODE_ENV is "Development": development defaults apply only with NODE_ENV=development'],
  ])('outside production, the error says why the defaults did not apply (NODE_ENV=%p)', (nodeEnv, why) => {
    expect(configError({ NODE_ENV: nodeEnv }).message).toContain(`(${why})`);
  });

  test('with NODE_ENV=production, the error is only the list', () => {
    expect(configError({ NODE_ENV: 'production' }).message).toBe(`Missing required environment variables: ${REQUIRED_OUTSIDE_DEVELOPMENT.join(', ')}`);
  });

  test('the required list is the secrets an attacker could use if they defaulted', () => {
    expect([...REQUIRED_OUTSIDE_DEVELOPMENT].sort()).toEqual(
      [
        'APP_SECRET',
        'DATABASE_URL',
        'LOG_HASH_KEY',
        'OPENAI_API_KEY',
        'SECRETS_ENCRYPTION_KEYS',
        'TEMPORAL_PAYLOAD_KEYS',
        'VERIFY_TOKEN',
        'WHATSAPP_ACCESS_TOKEN',
      ].sort(),
    );
  });
});

describe('production', () => {
  test('with every required variable it loads', () => {
    const c = loadConfig(production());
    expect(c.isDevelopment).toBe(false);
    expect(c).toMatchObject(PRODUCTION_REQUIRED);
    expect(requireDatabaseUrl(c)).toBe(PRODUCTION_REQUIRED.DATABASE_URL);
  });

  test.each(Object.keys(PRODUCTION_REQUIRED))('missing %s alone is reported by name', (name) => {
    const err = configError(production({ [name]: undefined }));
    expect(err.message).toBe(`Missing required environment variables: ${name}`);
  });

  test.each(Object.keys(PRODUCTION_REQUIRED))('%s set to an empty string counts as missing', (name) => {
    expect(configError(production({ [name]: '' })).message).toBe(`Missing required environment variables: ${name}`);
  });

  test('two missing, one empty: all three are named, others are not', () => {
    const err = configError(production({ APP_SECRET: undefined, OPENAI_API_KEY: '', DATABASE_URL: undefined }));
    for (const name of ['APP_SECRET', 'OPENAI_API_KEY', 'DATABASE_URL']) expect(err.message).toContain(name);
    for (const name of ['VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN']) expect(err.message).not.toContain(name);
  });

  test('the error never includes the values that were given', () => {
    const err = configError(production({ DATABASE_URL: undefined }));
    for (const value of Object.values(PRODUCTION_REQUIRED)) expect(err.message).not.toContain(value);
  });

  test('invalid values are still rejected in production', () => {
    expect(configError(production({ PORT: 'http' })).message).toMatch(/PORT/);
  });
});

describe('the public development values are refused outside development', () => {
  const PUBLIC_SECRETS = Object.entries(DEV_DEFAULTS).filter(
    ([name]) => !['PHONE_NUMBER_ID', 'TEMPORAL_PAYLOAD_KEYS', 'SECRETS_ENCRYPTION_KEYS'].includes(name),
  );

  test.each(PUBLIC_SECRETS)('%s set to its development value', (name, value) => {
    const err = configError(production({ [name]: value }));
    expect(err.message).toBe(`Invalid environment: ${name}: the public development value; set a secret of your own`);
  });

  test.each(PUBLIC_SECRETS)('%s set to its development value with NODE_ENV unset says why', (name, value) => {
    const { NODE_ENV: _, ...withoutNodeEnv } = production({ [name]: value });
    expect(configError(withoutNodeEnv).message).toContain(`${name}: the public development value (NODE_ENV is unset`);
  });

  test.each(['TEMPORAL_PAYLOAD_KEYS', 'SECRETS_ENCRYPTION_KEYS'] as const)('%s holding a public development key, even only to decrypt', (name) => {
    expect(configError(production({ [name]: DEV_DEFAULTS[name] })).message).toBe(`Invalid environment: ${name}: key "dev1" is a public development key`);
    // Under another ID, after a key of one's own: the bytes are what is public.
    const devKey = DEV_DEFAULTS[name].split(':')[1]!;
    expect(configError(production({ [name]: `${key('mine')},old:${devKey}` })).message).toBe(
      `Invalid environment: ${name}: key "old" is a public development key`,
    );
    // The other keyring's development key is just as public.
    const otherDevKey = DEV_DEFAULTS[name === 'TEMPORAL_PAYLOAD_KEYS' ? 'SECRETS_ENCRYPTION_KEYS' : 'TEMPORAL_PAYLOAD_KEYS'].split(':')[1]!;
    expect(configError(production({ [name]: `k:${otherDevKey}` })).message).toContain(`${name}: key "k" is a public development key`);
  });

  test('in development they are what is used', () => {
    expect(loadConfig(dev({ APP_SECRET: DEV_DEFAULTS.APP_SECRET, TEMPORAL_PAYLOAD_KEYS: DEV_DEFAULTS.TEMPORAL_PAYLOAD_KEYS })).APP_SECRET).toBe(
      DEV_DEFAULTS.APP_SECRET,
    );
  });

  test('the PHONE_NUMBER_ID default is only the demo number, and allowed', () => {
    expect(loadConfig(production({ PHONE_NUMBER_ID: DEV_DEFAULTS.PHONE_NUMBER_ID })).PHONE_NUMBER_ID).toBe(DEV_DEFAULTS.PHONE_NUMBER_ID);
  });
});

describe('keyrings are checked at start, in every mode, without echoing key material', () => {
  const short = randomBytes(16).toString('base64');
  const long = randomBytes(48).toString('base64');
  const good = randomBytes(32).toString('base64');

  test.each<[string, string, string]>([
    ['a key without an id', good, 'entry 1 must be "id:base64key"'],
    ['an empty id', `:${good}`, 'entry 1 must be "id:base64key"'],
    ['an id with a space', `my key:${good}`, 'entry 1 must be "id:base64key"'],
    ['a 16-byte key', `k1:${short}`, 'key "k1" must be 32 bytes'],
    ['a 48-byte key', `k1:${long}`, 'key "k1" must be 32 bytes'],
    ['the second entry broken', `k1:${good},k2:${short}`, 'key "k2" must be 32 bytes'],
    ['an id twice', `k1:${good},k1:${good}`, 'key id "k1" appears twice'],
    ['only commas', ',,', 'no key given'],
  ])('%s', (_label, value, problem) => {
    for (const name of ['TEMPORAL_PAYLOAD_KEYS', 'SECRETS_ENCRYPTION_KEYS']) {
      for (const env of [dev({ [name]: value }), production({ [name]: value })]) {
        const err = configError(env);
        expect(err.message).toContain(`${name}: `);
        expect(err.message).toContain(problem);
        for (const material of [good, short, long]) expect(err.message).not.toContain(material);
      }
    }
  });

  test('both keyrings wrong: both are named in one error', () => {
    const err = configError(production({ TEMPORAL_PAYLOAD_KEYS: 'x', SECRETS_ENCRYPTION_KEYS: 'y' }));
    expect(err.message).toContain('TEMPORAL_PAYLOAD_KEYS: ');
    expect(err.message).toContain('SECRETS_ENCRYPTION_KEYS: ');
  });

  test('a new key first and the old one after it is a valid rotation', () => {
    expect(() => loadConfig(production({ TEMPORAL_PAYLOAD_KEYS: `${key('2027')},${key('2026')}` }))).not.toThrow();
  });
});

describe('Temporal TLS settings', () => {
  test.each<[string, Record<string, string>, string]>([
    ['a certificate without its key', { TEMPORAL_TLS_CERT: '/etc/temporal/client.pem' }, 'TEMPORAL_TLS_KEY: needed with TEMPORAL_TLS_CERT'],
    ['a key without its certificate', { TEMPORAL_TLS_KEY: '/etc/temporal/client.key' }, 'TEMPORAL_TLS_CERT: needed with TEMPORAL_TLS_KEY'],
  ])('%s is refused at start', (_label, extra, problem) => {
    expect(configError(production(extra)).message).toContain(problem);
    expect(configError(dev(extra)).message).toContain(problem);
  });

  test('both, with a CA, a server name and an API key, load', () => {
    const tls = {
      TEMPORAL_TLS_CA: '/ca.pem',
      TEMPORAL_TLS_CERT: '/c.pem',
      TEMPORAL_TLS_KEY: '/c.key',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_API_KEY: 'key',
    };
    expect(loadConfig(production(tls))).toMatchObject(tls);
  });
});

describe('invalid values name the variable', () => {
  test.each<[string, string]>([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['SANDBOX_PORT', '65536'],
    ['PHONE_NUMBER_ID', '+34 600 000 000'],
    ['PHONE_NUMBER_ID', '1234abc'],
    ['PHONE_NUMBER_ID', '-1'],
    ['GRAPH_API_VERSION', '23.0'],
    ['GRAPH_API_VERSION', 'v23'],
    ['GRAPH_API_VERSION', 'V23.0'],
    ['GRAPH_API_VERSION', 'v23.0.1'],
    ['GRAPH_API_VERSION', 'latest'],
    ['WEBHOOK_BODY_LIMIT_BYTES', '0'],
    ['WEBHOOK_BODY_LIMIT_BYTES', '1mb'],
    ['AGENT_MAX_ITERATIONS', '0'],
    ['AGENT_MAX_ITERATIONS', '21'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['GRAPH_API_BASE_URL', 'graph.facebook.com'],
    ['OPENAI_BASE_URL', 'not a url'],
    ['TEMPORAL_UI_URL', '127.0.0.1:8233'],
    ['HTTP_REQUEST_TIMEOUT_MS', '0'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '-5'],
    ['WORKER_HEALTH_PORT', '80a'],
    ['CODEC_AUTH_TOKEN', 'too-short'],
  ])('%s=%j', (name, value) => {
    const err = configError(dev({ [name]: value }));
    expect(err.message.startsWith('Invalid environment: ')).toBe(true);
    expect(err.message).toMatch(new RegExp(`(^|[ ;])${name}: `));
  });

  test('several invalid values are all reported', () => {
    const err = configError(dev({ PORT: 'x', PHONE_NUMBER_ID: 'y', GRAPH_API_VERSION: 'z' }));
    expect(err.message).toContain('PORT: ');
    expect(err.message).toContain('PHONE_NUMBER_ID: digits only');
    expect(err.message).toContain('GRAPH_API_VERSION: ');
    expect(err.message.split('; ')).toHaveLength(3);
  });

  test.each<[string, string, unknown]>([
    ['PORT', '0', 0],
    ['PORT', '65535', 65535],
    ['PHONE_NUMBER_ID', '0', '0'],
    ['GRAPH_API_VERSION', 'v1.0', 'v1.0'],
    ['GRAPH_API_VERSION', 'v100.12', 'v100.12'],
    ['AGENT_MAX_ITERATIONS', '1', 1],
    ['WEBHOOK_BODY_LIMIT_BYTES', '1', 1],
  ])('boundary value %s=%j is accepted', (name, value, expected) => {
    expect(loadConfig(dev({ [name]: value }))[name as 'PORT']).toBe(expected);
  });
});

describe('strict port numbers', () => {
  // Ports are digits only: hex, exponents and padding are refused, not guessed at.
  test.each([['0x1F40'], ['1e3'], [' 8080 '], ['65536']])('PORT=%j is refused', (value) => {
    expect(configError(dev({ PORT: value })).message).toContain('PORT: ');
  });

  // Number('  ') is 0: a blank PORT must be an error, not a random port.
  test.each([[' '], ['\t']])('PORT=%j is refused, not read as port 0', (value) => {
    expect(configError(dev({ PORT: value })).message).toContain('PORT: ');
  });
});

describe('empty strings count as unset', () => {
  test.each<[string, unknown]>([
    ['PORT', 8000],
    ['PHONE_NUMBER_ID', DEV_DEFAULTS.PHONE_NUMBER_ID],
    ['GRAPH_API_VERSION', 'v23.0'],
    ['APP_SECRET', DEV_DEFAULTS.APP_SECRET],
    ['LOG_LEVEL', 'info'],
    ['OPENAI_BASE_URL', undefined],
    ['DATABASE_URL', undefined],
    ['TRACE_LOG_PII', false],
  ])('%s="" gives the default', (name, expected) => {
    expect(loadConfig(dev({ [name]: '' }))[name as keyof ReturnType<typeof loadConfig>]).toEqual(expected);
  });

  test('undefined values are ignored like absent ones', () => {
    expect(loadConfig(dev({ PORT: undefined, HOST: undefined }))).toMatchObject({ PORT: 8000, HOST: '127.0.0.1' });
  });

  test('requireDatabaseUrl refuses a config without DATABASE_URL', () => {
    expect(() => requireDatabaseUrl(loadConfig(dev({ DATABASE_URL: '' })))).toThrow(ConfigError);
    expect(() => requireDatabaseUrl(loadConfig(dev({})))).toThrow('Missing required environment variable: DATABASE_URL');
    expect(requireDatabaseUrl(loadConfig(dev({ DATABASE_URL: 'postgresql://x' })))).toBe('postgresql://x');
  });
});

describe('TRACE_LOG_PII', () => {
  test.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
  ])('%p → %p', (value, expected) => {
    expect(loadConfig(dev({ TRACE_LOG_PII: value })).TRACE_LOG_PII).toBe(expected);
  });

  // Anything else is refused rather than guessed: "no" must not turn PII logging on.
  test.each([['TRUE'], ['yes'], ['no'], ['on'], ['2'], [' true']])('%p is rejected', (value) => {
    expect(configError(dev({ TRACE_LOG_PII: value })).message).toContain('TRACE_LOG_PII: ');
  });
});

describe('observability settings', () => {
  test('the defaults: console traces, metrics on 9463 and 9464, no OpenTelemetry export', () => {
    const config = loadConfig(dev({}));
    expect(config).toMatchObject({ TRACER_TYPE: 'console', API_METRICS_PORT: 9463, WORKER_METRICS_PORT: 9464 });
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  test.each([['jaeger'], ['Console'], ['']])('TRACER_TYPE %p other than console, langfuse or none is refused (empty is unset)', (value) => {
    if (value === '') expect(loadConfig(dev({ TRACER_TYPE: value })).TRACER_TYPE).toBe('console');
    else expect(configError(dev({ TRACER_TYPE: value })).message).toContain('TRACER_TYPE: ');
  });

  test('a MODEL_PRICES the price table cannot read stops the process at start, naming it', () => {
    expect(configError(dev({ MODEL_PRICES: '{"gpt-4o-mini":{"input":"cheap"}}' })).message).toContain('MODEL_PRICES');
    expect(configError(dev({ MODEL_PRICES: 'not json' })).message).toContain('MODEL_PRICES');
    expect(loadConfig(dev({ MODEL_PRICES: '{"my-model":{"input":0.2,"output":0.8}}' })).MODEL_PRICES).toBe('{"my-model":{"input":0.2,"output":0.8}}');
  });
});
