// Starts the load generator (autocannon-runner.ts) as a child process and reads its result.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LoadResult, LoadSpec } from './autocannon-runner';

const execFileAsync = promisify(execFile);

export async function offerLoad(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'autocannon-runner.ts'), JSON.stringify(spec)], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: (spec.durationSeconds + 60) * 1000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as LoadResult;
}

export type { LoadResult, LoadSpec };
