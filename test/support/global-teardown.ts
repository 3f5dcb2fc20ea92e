import fs from 'node:fs';
import type { TestGlobals } from './globals';

export default async function globalTeardown(): Promise<void> {
  const { __temporal, __postgres } = globalThis as TestGlobals;
  await __temporal?.teardown();
  if (__postgres) {
    await __postgres.stop();
    fs.rmSync(__postgres.dataDir, { recursive: true, force: true });
  }
}
