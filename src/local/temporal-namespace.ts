// Makes sure a Temporal server that `npm run dev` did not start itself (a
// `temporal server start-dev` in another terminal, a full server) has what the
// app needs: the namespace, and the search attributes the webhook sets on every
// workflow. The bundled dev server gets both from its command line; any other
// server gets them here, or a sentence saying what is missing and how to add it.
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { TemporalConnectionOptions } from '../temporal/connection';
import { waitFor } from './processes';

/** Where the server is and how to reach it (temporalConnectionOptions), and what it must have. */
export interface NamespaceNeeds extends TemporalConnectionOptions {
  namespace: string;
  searchAttributes: Array<{ name: string; valueType: SearchAttributeType }>;
}

/** What was created (empty when everything was there); throws with the missing pieces when they cannot be created. */
export async function ensureNamespace({ namespace, searchAttributes, ...reach }: NamespaceNeeds): Promise<string[]> {
  const { address } = reach;
  const connection = await Connection.connect({ ...reach, connectTimeout: 5_000 });
  const created: string[] = [];
  try {
    if (!(await namespaceExists(connection, namespace))) {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('7 days') }).catch((err: Error) => {
        throw new Error(
          `The Temporal server at ${address} has no namespace "${namespace}", and it could not be created (${err.message}). ` +
            `Create it with: temporal operator namespace create --address ${address} ${namespace}`,
        );
      });
      created.push(`namespace ${namespace}`);
    }

    // A new namespace is described at once but reaches the server's namespace cache (which every other call
    // goes through) only within seconds.
    const customAttributes = await waitFor(`namespace "${namespace}" to be usable`, () => customSearchAttributes(connection, namespace), { timeoutMs: 30_000 });
    const missing = searchAttributes.filter(({ name }) => !customAttributes[name]);
    if (missing.length > 0) {
      await connection.operatorService
        .addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(
            missing.map(({ name, valueType }) => [name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${valueType}`]]),
          ),
        })
        .catch((err: Error) => {
          const flags = missing.map(({ name, valueType }) => `--name ${name} --type ${valueType.charAt(0) + valueType.slice(1).toLowerCase()}`).join(' ');
          throw new Error(
            `The Temporal server at ${address} lacks the search attribute${missing.length > 1 ? 's' : ''} ${missing.map((m) => m.name).join(', ')} ` +
              `in namespace "${namespace}", and it could not be added (${err.message}). ` +
              `Add it with: temporal operator search-attribute create --address ${address} --namespace ${namespace} ${flags}`,
          );
        });
      created.push(...missing.map(({ name }) => `search attribute ${name}`));
    }
    return created;
  } finally {
    await connection.close();
  }
}

const NOT_FOUND = 5; // gRPC status: anything else (unreachable, refused) is a real problem.

async function namespaceExists(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === NOT_FOUND) return false;
    throw err;
  }
}

/** The namespace's custom search attributes, or undefined while the server does not know the namespace yet. */
async function customSearchAttributes(connection: Connection, namespace: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    if ((err as { code?: number }).code === NOT_FOUND) return undefined;
    throw err;
  }
}
