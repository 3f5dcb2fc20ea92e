// The production start commands carry the memory settings the benchmark
// measured (src/process-memory.ts). Four files spell them out; this keeps them
// from drifting apart.
import fs from 'node:fs';
import path from 'node:path';
import { MALLOC_ENV, NODE_FLAGS } from '../../src/process-memory';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

describe.each(['api', 'worker'] as const)('the %s process', (service) => {
  const entry = `dist/${service}/main.js`;

  it('is started by npm with the malloc setting and its Node flags', () => {
    const env = Object.entries(MALLOC_ENV).map(([key, value]) => `${key}=${value}`);
    expect(scripts[`start:${service}`]).toBe([...env, 'node', ...NODE_FLAGS[service], entry].join(' '));
  });

  it('is started by docker compose with its Node flags', () => {
    expect(read('docker-compose.yml')).toContain(`command: ${JSON.stringify(['node', ...NODE_FLAGS[service], entry]).replace(/","/g, '", "')}`);
  });
});

it('the image sets the malloc setting for every process and starts the API with its flags', () => {
  const dockerfile = read('Dockerfile');
  for (const [key, value] of Object.entries(MALLOC_ENV)) expect(dockerfile).toContain(`ENV ${key}=${value}`);
  expect(dockerfile).toContain(`CMD ${JSON.stringify(['node', ...NODE_FLAGS.api, 'dist/api/main.js']).replace(/","/g, '", "')}`);
});
