// Starts a load generator as a child process and reads its result: the paced,
// open-loop one for a fixed rate, autocannon for as fast as it goes.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REQUEST_TIMEOUT_SECONDS, type LoadResult, type LoadSpec } from './load-spec';

const execFileAsync = promisify(execFile);

export async function offerLoad(spec: LoadSpec): Promise<LoadResult> {
  const runner = spec.rate > 0 ? 'paced-runner.ts' : 'autocannon-runner.ts';
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(__dirname, runner), JSON.stringify(spec)], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: (spec.durationSeconds + REQUEST_TIMEOUT_SECONDS + 60) * 1000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as LoadResult;
}

export type { LoadResult, LoadSpec };
