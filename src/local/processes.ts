// Small helpers for the local runtime (dev runner and test harness): free
// ports, child processes that die with their parent, waiting for readiness.
import { spawn, execFile, type ChildProcess, type SpawnOptions } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';

export const execFileAsync = promisify(execFile);

export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 200, isDead }: { timeoutMs?: number; intervalMs?: number; isDead?: () => string | undefined } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const death = isDead?.();
    if (death) throw new Error(`${what} exited before it was ready: ${death}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** A child process whose recent output is kept for error messages, and which is stopped with its parent. */
export interface ManagedProcess {
  child: ChildProcess;
  name: string;
  /** Why it exited, or undefined while it runs. */
  exitReason(): string | undefined;
  recentOutput(): string;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function startProcess(name: string, command: string, args: string[], options: SpawnOptions & { echo?: (line: string) => void } = {}): ManagedProcess {
  const { echo, ...spawnOptions } = options;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
  const tail: string[] = [];
  let exitReason: string | undefined;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 50) tail.shift();
      echo?.(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      exitReason = err.message;
      resolve();
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  return {
    child,
    name,
    exitReason: () => exitReason,
    recentOutput: () => tail.join('\n'),
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      process.removeListener('exit', killOnExit);
      if (exitReason !== undefined) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
