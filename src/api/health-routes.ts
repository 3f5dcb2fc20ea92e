import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { Database } from '../db/client';

export interface HealthOptions {
  db: Database;
  temporal: Client;
}

/**
 * What /readyz tells anyone who asks: fixed words. A driver's error text can name hosts, ports, users and
 * versions, which help an attacker and nobody else outside; it goes to the log instead.
 */
export type CheckState = 'ok' | 'unreachable';

/** Credentials written into a URL (`postgresql://user:password@host`) are cut from an error before it is logged. */
export function withoutUrlCredentials(text: string): string {
  return text.replace(/\/\/[^\s/@]+@/g, '//…@');
}

async function check(name: string, probe: () => Promise<unknown>, log: FastifyBaseLogger, timeoutMs = 2_000): Promise<[string, CheckState]> {
  try {
    await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref())]);
    return [name, 'ok'];
  } catch (err) {
    log.warn({ dependency: name, error: withoutUrlCredentials((err as Error).message) }, 'Readiness check failed');
    return [name, 'unreachable'];
  }
}

export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { db, temporal }) => {
  /** The process is alive. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** The process can durably accept webhooks: its database and Temporal answer. */
  app.get('/readyz', async (request, reply) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('database', () => db.$queryRaw`SELECT 1`, request.log),
        // A deadline on the call itself, not only on our wait: an abandoned call would keep
        // retrying inside the gRPC client long after this answer was sent.
        check('temporal', () => temporal.withDeadline(Date.now() + 2_000, () => temporal.workflowService.getSystemInfo({})), request.log),
      ]),
    );
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};
