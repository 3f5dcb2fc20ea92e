// The worker and the API as their own operating-system processes, started from
// the real entry points (src/worker/main.ts, src/api/main.ts) through tsx, so
// tests can SIGKILL them mid-step or SIGTERM them and watch them shut down.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process wrote, stdout and stderr interleaved. */
  output(): string;
  /** Resolves once a line containing `text` has been written. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

function startService(entry: string, env: Record<string, string>, readyText: string, readyTimeoutMs: number): Promise<ServiceProcess> {
  // One process, no wrapper: tsx as an import hook, so a signal reaches the service itself.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const watchers: Array<{ text: string; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const watcher of watchers.filter((w) => output.includes(w.text))) watcher.resolve();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));

  const service: ServiceProcess = {
    child,
    output: () => output,
    waitForOutput(text, timeoutMs = 30_000) {
      if (output.includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No "${text}" from ${entry} within ${timeoutMs} ms. Output so far:\n${output}`)), timeoutMs);
        watchers.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${entry} exited (${code}) before writing "${text}". Output:\n${output}`));
        });
      });
    },
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  return service.waitForOutput(readyText, readyTimeoutMs).then(() => service);
}

/** A worker process; resolves once it polls its task queue (bundling the workflows takes a few seconds). */
export function startWorkerProcess(env: Record<string, string>): Promise<ServiceProcess> {
  return startService('src/worker/main.ts', env, 'Worker polling', 90_000);
}

/** An API process; resolves once Fastify listens. */
export function startApiProcess(env: Record<string, string>): Promise<ServiceProcess> {
  // Port 0: the metrics port is the OS's choice, so two of them (or one beside `npm run dev`) never clash.
  return startService('src/api/main.ts', { API_METRICS_PORT: '0', ...env }, 'Server listening', 30_000);
}
