import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { LocalPostgres } from '../../src/local/postgres';

export const TEMPLATE_DATABASE = 'booking_template';

export type TestGlobals = typeof globalThis & { __postgres?: LocalPostgres; __temporal?: TestWorkflowEnvironment };
