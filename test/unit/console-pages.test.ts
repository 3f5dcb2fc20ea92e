// How the API serves the console's pages (src/api/admin/pages.ts): the app's
// index for every page address, hashed assets cached for good, and plain
// answers for what is not a page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { consolePages } from '../../src/api/admin/pages';

let buildDir: string;
let app: FastifyInstance;
let origin: string;

// Over a real port: Fastify's inject needs an ES module that Jest will not load.
const get = (url: string) => fetch(origin + url);

beforeEach(async () => {
  buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-build-'));
  fs.mkdirSync(path.join(buildDir, 'assets'));
  fs.writeFileSync(path.join(buildDir, 'index.html'), '<!doctype html><div id="root"></div>');
  fs.writeFileSync(path.join(buildDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  app = Fastify();
  await app.register(consolePages, { prefix: '/admin', buildDir });
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  await app.close();
  fs.rmSync(buildDir, { recursive: true, force: true });
});

test.each(['/admin', '/admin/', '/admin/sign-in', '/admin/businesses/5b0c/settings', '/admin/invite/abc?x=1'])(
  '%s is a page: the app, never cached',
  async (url) => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<div id="root">');
  },
);

test('hashed assets are served and cached for good', async () => {
  const response = await get('/admin/assets/index-abc123.js');
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toContain('immutable');
});

test('an asset from a newer build is served without a restart (the watch build of npm run dev)', async () => {
  fs.writeFileSync(path.join(buildDir, 'assets', 'index-def456.js'), 'console.log(2)');
  expect(await (await get('/admin/assets/index-def456.js')).text()).toBe('console.log(2)');
});

test.each(['/admin/assets/missing.js', '/admin/api/no-such-route'])('%s is a 404 in JSON, not the app', async (url) => {
  const response = await get(url);
  expect(response.status).toBe(404);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(await response.text()).not.toContain('<div id="root">');
});

test('before the console is built, a page says how to build it', async () => {
  fs.rmSync(path.join(buildDir, 'index.html'));
  const response = await get('/admin/businesses');
  expect(response.status).toBe(503);
  expect(await response.text()).toContain('npm run build');
});
