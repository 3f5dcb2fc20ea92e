import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { LocalPostgres } from '../../src/local/postgres';
import type { TemporalServer } from '../../src/local/temporal-server';

export const TEMPLATE_DATABASE = 'booking_template';

export type TestGlobals = typeof globalThis & {
  __postgres?: LocalPostgres;
  __temporal?: TestWorkflowEnvironment;
  /** `npm run test:scale`: the Temporal server on PostgreSQL, and the directory its files and PostgreSQL's live in. */
  __temporalServer?: TemporalServer;
  __scaleDataDir?: string;
};
