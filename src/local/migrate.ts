// Applies the committed Prisma migrations with the project's own Prisma CLI
// (prisma.config.ts: JS schema engine over the pg adapter, nothing to download).
import path from 'node:path';
import { execFileAsync } from './processes';

const projectRoot = path.resolve(__dirname, '..', '..');

export async function applyMigrations(databaseUrl: string): Promise<void> {
  const prismaCli = require.resolve('prisma/build/index.js', { paths: [projectRoot] });
  try {
    await execFileAsync(process.execPath, [prismaCli, 'migrate', 'deploy'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`prisma migrate deploy failed:\n${stdout}\n${stderr}`);
  }
}
