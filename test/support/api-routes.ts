import type { FastifyInstance } from 'fastify';

/**
 * Every "METHOD /path" the app serves below `prefix`, read from Fastify's route
 * tree (`printRoutes`: one line per path segment, indented under its parent,
 * with its methods). HEAD, which Fastify adds to every GET, is left out.
 */
export function routesUnder(app: FastifyInstance, prefix: string): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n').filter(Boolean)) {
    const parsed = /^((?:[│ ] {3})*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!parsed) throw new Error(`A line of Fastify's route tree that cannot be read: ${JSON.stringify(line)}`);
    const depth = parsed[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + parsed[2]!;
    parents.splice(depth, parents.length, path);
    if (!path.startsWith(`${prefix}/`)) continue;
    const methods = parsed[3]!.split(', ');
    for (const method of methods) if (method !== 'HEAD' || !methods.includes('GET')) routes.push(`${method} ${path.slice(prefix.length)}`);
  }
  return routes.sort();
}
