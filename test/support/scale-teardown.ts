import fs from 'node:fs';
import type { TestGlobals } from './globals';

export default async function scaleTeardown(): Promise<void> {
  const { __temporalServer, __postgres, __scaleDataDir } = globalThis as TestGlobals;
  // The server first: it holds connections to the PostgreSQL it runs on.
  await __temporalServer?.stop();
  await __postgres?.stop();
  if (__scaleDataDir) fs.rmSync(__scaleDataDir, { recursive: true, force: true });
}
