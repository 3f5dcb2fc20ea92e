// The Compose Specification's JSON schema, the one `docker compose` validates a file
// against: it ships inside the compose-go module (the library Docker Compose is built
// on), which the Go module proxy serves. Downloaded once into Go's module cache.
import fs from 'node:fs';
import path from 'node:path';
import { execFileAsync } from '../../src/local/processes';
import { findGo } from '../../src/local/go-install';

/** The compose-go release of Docker Compose v2's current line that this machine's Go can fetch. */
export const COMPOSE_GO_MODULE = 'github.com/compose-spec/compose-go/v2@v2.16.2';

export async function composeSpecSchema(): Promise<Record<string, unknown>> {
  const go = findGo('downloading the Compose Specification schema');
  const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', COMPOSE_GO_MODULE], { maxBuffer: 4 * 1024 * 1024 });
  const { Dir, Error: error } = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!Dir) throw new Error(`Could not download ${COMPOSE_GO_MODULE}: ${error ?? stdout}`);
  return JSON.parse(fs.readFileSync(path.join(Dir, 'schema', 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
}
