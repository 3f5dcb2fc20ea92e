// The console's pages: the React app Vite builds into dist/console (`npm run
// build`, or the watch build `npm run dev` runs). Hashed assets are cached for
// good; every other address under /admin is the app's own route, so it gets
// index.html and the app shows the page, or its "not found".
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/** Where Vite writes the console, from src/api/admin (tsx) and dist/api/admin (built) alike. */
export const CONSOLE_BUILD_DIR = path.resolve(__dirname, '../../../dist/console');

export const consolePages: FastifyPluginAsync<{ buildDir?: string }> = async (app, { buildDir = CONSOLE_BUILD_DIR }) => {
  await app.register(fastifyStatic, {
    root: path.join(buildDir, 'assets'),
    prefix: '/assets/',
    // Asset names carry a content hash: a new build has new names.
    immutable: true,
    maxAge: '365d',
    // Looked up per request rather than listed at start-up, so a watch build's new files are served at once.
    wildcard: true,
  });

  const sendApp = (reply: FastifyReply) => {
    // Read per request: the watch build rewrites it, and it is a few hundred bytes.
    const index = path.join(buildDir, 'index.html');
    if (!fs.existsSync(index)) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The console has not been built. Run `npm run build` (or `npm run dev`, which rebuilds it on every change).');
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(fs.createReadStream(index));
  };

  app.get('/', async (_request, reply) => sendApp(reply));
  app.get('/*', async (request, reply) => {
    // An API address that matched no route is a 404 for a program, not a page for a person.
    if (request.url.startsWith('/admin/api/') || request.url.startsWith('/admin/assets/')) return reply.code(404).send({ error: 'Not Found' });
    return sendApp(reply);
  });
};
