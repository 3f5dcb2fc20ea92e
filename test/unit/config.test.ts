import { ConfigError, DEV_DEFAULTS, loadConfig, requireDatabaseUrl } from '../../src/config';

const PRODUCTION_REQUIRED = {
  APP_SECRET: 'prod-secret',
  VERIFY_TOKEN: 'prod-verify',
  WHATSAPP_ACCESS_TOKEN: 'prod-access-token',
  OPENAI_API_KEY: 'sk-prod',
  DATABASE_URL: 'postgresql://app@db:5432/app',
} as const;

const production = (extra: Record<string, string | undefined> = {}) => ({ NODE_ENV: 'production', ...PRODUCTION_REQUIRED, ...extra });

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

describe('development defaults', () => {
  const config = loadConfig({});

  test.each<[string, unknown]>([
    ['NODE_ENV', 'development'],
    ['isProduction', false],
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
    ['SANDBOX_PORT', 8090],
    ['TRACE_LOG_PII', false],
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
    });
  });

  test.each([['development'], ['test'], ['staging'], ['PRODUCTION'], ['prod']])('NODE_ENV=%s is not production and needs nothing', (nodeEnv) => {
    const c = loadConfig({ NODE_ENV: nodeEnv });
    expect(c.isProduction).toBe(false);
    expect(c.NODE_ENV).toBe(nodeEnv);
    expect(c.APP_SECRET).toBe(DEV_DEFAULTS.APP_SECRET);
  });

  test('given values override defaults and numbers are coerced', () => {
    const c = loadConfig({
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
    });
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
    });
  });

  test('unrelated variables are not copied into the config', () => {
    const c = loadConfig({ PATH: '/usr/bin', HOME: '/root', SOME_SECRET: 'x' });
    expect(c).not.toHaveProperty('PATH');
    expect(c).not.toHaveProperty('SOME_SECRET');
  });

  test('the env object passed in is not modified', () => {
    const env = { PORT: '3000', APP_SECRET: '' };
    const copy = { ...env };
    loadConfig(env);
    expect(env).toEqual(copy);
  });
});

describe('production', () => {
  test('with every required variable it loads', () => {
    const c = loadConfig(production());
    expect(c.isProduction).toBe(true);
    expect(c).toMatchObject(PRODUCTION_REQUIRED);
    expect(requireDatabaseUrl(c)).toBe(PRODUCTION_REQUIRED.DATABASE_URL);
  });

  test('with nothing set, the error lists ALL missing names', () => {
    const err = configError({ NODE_ENV: 'production' });
    expect(err.name).toBe('ConfigError');
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('Missing required environment variables: APP_SECRET, VERIFY_TOKEN, WHATSAPP_ACCESS_TOKEN, OPENAI_API_KEY, DATABASE_URL');
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

  test('dev defaults are never used for the required secrets', () => {
    const c = loadConfig(production());
    expect(c.APP_SECRET).not.toBe(DEV_DEFAULTS.APP_SECRET);
    expect(c.VERIFY_TOKEN).not.toBe(DEV_DEFAULTS.VERIFY_TOKEN);
  });

  test('invalid values are still rejected in production', () => {
    expect(configError(production({ PORT: 'http' })).message).toMatch(/PORT/);
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
  ])('%s=%j', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.message.startsWith('Invalid environment: ')).toBe(true);
    expect(err.message).toMatch(new RegExp(`(^|[ ;])${name}: `));
  });

  test('several invalid values are all reported', () => {
    const err = configError({ PORT: 'x', PHONE_NUMBER_ID: 'y', GRAPH_API_VERSION: 'z' });
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
    expect(loadConfig({ [name]: value })[name as 'PORT']).toBe(expected);
  });
});

describe('strict port numbers', () => {
  // Ports are digits only: hex, exponents and padding are refused, not guessed at.
  test.each([['0x1F40'], ['1e3'], [' 8080 '], ['65536']])('PORT=%j is refused', (value) => {
    expect(configError({ PORT: value }).message).toContain('PORT: ');
  });

  // Number('  ') is 0: a blank PORT must be an error, not a random port.
  test.each([[' '], ['\t']])('PORT=%j is refused, not read as port 0', (value) => {
    expect(configError({ PORT: value }).message).toContain('PORT: ');
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
    ['NODE_ENV', 'development'],
  ])('%s="" gives the default', (name, expected) => {
    expect(loadConfig({ [name]: '' })[name as keyof ReturnType<typeof loadConfig>]).toEqual(expected);
  });

  test('undefined values are ignored like absent ones', () => {
    expect(loadConfig({ PORT: undefined, HOST: undefined })).toMatchObject({ PORT: 8000, HOST: '127.0.0.1' });
  });

  test('requireDatabaseUrl refuses a config without DATABASE_URL', () => {
    expect(() => requireDatabaseUrl(loadConfig({ DATABASE_URL: '' }))).toThrow(ConfigError);
    expect(() => requireDatabaseUrl(loadConfig({}))).toThrow('Missing required environment variable: DATABASE_URL');
    expect(requireDatabaseUrl(loadConfig({ DATABASE_URL: 'postgresql://x' }))).toBe('postgresql://x');
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
    expect(loadConfig({ TRACE_LOG_PII: value }).TRACE_LOG_PII).toBe(expected);
  });

  // Anything else is refused rather than guessed: "no" must not turn PII logging on.
  test.each([['TRUE'], ['yes'], ['no'], ['on'], ['2'], [' true']])('%p is rejected', (value) => {
    expect(configError({ TRACE_LOG_PII: value }).message).toContain('TRACE_LOG_PII: ');
  });
});
