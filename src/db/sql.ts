// Plain SQL on the pool under the Prisma client, for the statements every turn
// runs. Why: measured on this machine, one Prisma query costs the worker 0.5 to
// 1.4 CPU-ms (its query compiler and result mapping; an upsert is the dearest)
// where the same statement through `pg` costs 0.07, and a plain turn ran about
// forty of them. Everything else stays on Prisma, whose types keep the rest of
// the code honest; these statements name their columns and types themselves.
import type pg from 'pg';
import { poolOf, type Database } from './client';

/** Something to run a statement on: the pool, or one connection inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export async function queryRows<T extends object>(on: Database | Queryable, text: string, values: unknown[] = []): Promise<T[]> {
  const target = isDatabase(on) ? poolOf(on) : on;
  return (await target.query<T>(text, values)).rows;
}

/** The one row a statement returns, or undefined. */
export async function queryRow<T extends object>(on: Database | Queryable, text: string, values: unknown[] = []): Promise<T | undefined> {
  return (await queryRows<T>(on, text, values))[0];
}

/** The one row a statement must return; `what` names it in the error when there is none. */
export async function queryOne<T extends object>(on: Database | Queryable, what: string, text: string, values: unknown[] = []): Promise<T> {
  const row = await queryRow<T>(on, text, values);
  if (!row) throw new Error(`No ${what} found`);
  return row;
}

/** Runs `work` in one transaction on one connection, committed when it returns and rolled back when it throws. */
export async function inTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await poolOf(db).connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is not given to the next caller.
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw err;
  } finally {
    client.release(broken);
  }
}

function isDatabase(on: Database | Queryable): on is Database {
  return typeof (on as Database).$queryRaw === 'function';
}

/** PostgreSQL's unique_violation, as `pg` reports it. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
