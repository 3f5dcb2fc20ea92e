import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../db/client';

export interface HealthOptions {
  db: Database;
  temporal: Client;
}

async function check(name: string, probe: () => Promise<unknown>, timeoutMs = 2_000): Promise<[string, string]> {
  try {
    await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref())]);
    return [name, 'ok'];
  } catch (err) {
    return [name, `unreachable: ${(err as Error).message}`];
  }
}

export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { db, temporal }) => {
  /** The process is alive. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** The process can durably accept webhooks: its database and Temporal answer. */
  app.get('/readyz', async (_request, reply) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('database', () => db.$queryRaw`SELECT 1`),
        // A deadline on the call itself, not only on our wait: an abandoned call would keep
        // retrying inside the gRPC client long after this answer was sent.
        check('temporal', () => temporal.withDeadline(Date.now() + 2_000, () => temporal.workflowService.getSystemInfo({}))),
      ]),
    );
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};
