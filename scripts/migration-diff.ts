// Prints the SQL that would bring the committed migrations up to prisma/schema.prisma,
// against a throwaway PostgreSQL (the schema engine needs a live database to diff).
// "This is an empty migration." means they agree. Usage: npx tsx scripts/migration-diff.ts
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalPostgres } from '../src/local/postgres';
import { findFreePort } from '../src/local/processes';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-diff-'));
  const postgres = await startLocalPostgres({ dataDir, port: await findFreePort(), database: 'diff', ephemeral: true });
  try {
    const args = ['prisma', 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'];
    const sql = execFileSync('npx', args, { cwd: path.resolve(__dirname, '..'), env: { ...process.env, DATABASE_URL: postgres.url } });
    process.stdout.write(sql);
  } finally {
    await postgres.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: { stderr?: Buffer }) => {
  console.error(err.stderr?.toString() ?? err);
  process.exit(1);
});
