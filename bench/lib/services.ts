// The API, the worker and the baselines as their own processes, one process
// each so /proc shows the real thing, with their memory and CPU read from /proc
// while they run. Ours run compiled (dist/, as `npm run start:*` does); the
// baselines, which are not shipped, run through tsx.
import fs from 'node:fs';
import path from 'node:path';
import { findFreePort, startProcess, waitFor, type ManagedProcess } from '../../src/local/processes';

const ROOT = path.resolve(__dirname, '../..');
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface Service {
  name: string;
  url: string;
  pid: number;
  /** CPU seconds (user + system) used so far. */
  cpuSeconds(): number;
  /** The same, split by kind of thread (see threadCpuSeconds). */
  threadCpuSeconds(): ThreadCpu;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export function cpuSecondsOf(pid: number, tid?: string): number {
  // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name in parentheses.
  const stat = fs.readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU seconds per kind of thread. Node names its threads only in part: the main
 * thread is the one whose id is the process's; the Temporal core's Rust threads
 * are tokio's; every other thread (the workflow thread, V8's garbage collection
 * and compiler helpers, libuv's pool) shows as "node" and is counted together.
 */
export interface ThreadCpu {
  main: number;
  temporalCore: number;
  otherThreads: number;
}

export function threadCpuSecondsOf(pid: number): ThreadCpu {
  const totals: ThreadCpu = { main: 0, temporalCore: 0, otherThreads: 0 };
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let seconds: number;
    let name: string;
    try {
      seconds = cpuSecondsOf(pid, tid);
      name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue; // the thread ended while we looked (its time is lost to us)
    }
    if (tid === String(pid)) totals.main += seconds;
    else if (name.startsWith('tokio')) totals.temporalCore += seconds;
    else totals.otherThreads += seconds;
  }
  return totals;
}

function peakRssMbOf(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

export interface ServiceOptions {
  readyPath?: string;
  port?: number;
  readyLine?: string;
  /** Node flags before the entry point (ours get the production ones, src/process-memory.ts). */
  nodeFlags?: readonly string[];
}

export async function startService(name: string, entry: string, env: Record<string, string>, options: ServiceOptions = {}): Promise<Service> {
  const port = options.port ?? (await findFreePort());
  // A V8 CPU profile, written when the process exits (node refuses --cpu-prof in NODE_OPTIONS).
  const profile =
    process.env.BENCH_PROFILE === '1'
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'bench/profiles')}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`]
      : [];
  const args = [...(options.nodeFlags ?? []), ...profile, ...(entry.endsWith('.js') ? [path.join(ROOT, entry)] : ['--import', 'tsx', path.join(ROOT, entry)])];
  const child: ManagedProcess = startProcess(name, process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  let lastCpu = 0;
  let lastPeak = 0;
  let lastThreads: ThreadCpu = { main: 0, temporalCore: 0, otherThreads: 0 };
  const sample = () => {
    try {
      lastCpu = cpuSecondsOf(child.child.pid!);
      lastPeak = peakRssMbOf(child.child.pid!);
    } catch {
      // The process has exited: keep the last reading.
    }
  };
  await waitFor(
    `the ${name}`,
    async () => {
      if (options.readyLine) return child.recentOutput().includes(options.readyLine) ? true : undefined;
      const response = await fetch(`${url}${options.readyPath ?? '/healthz'}`).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    { timeoutMs: 120_000, isDead: () => (child.exitReason() ? `${child.exitReason()}\n${child.recentOutput()}` : undefined) },
  );
  return {
    name,
    url,
    pid: child.child.pid!,
    cpuSeconds: () => (sample(), lastCpu),
    // Only when asked: it reads every thread's stat file.
    threadCpuSeconds: () => {
      try {
        lastThreads = threadCpuSecondsOf(child.child.pid!);
      } catch {
        // The process has exited: keep the last reading.
      }
      return lastThreads;
    },
    peakRssMb: () => (sample(), lastPeak),
    async stop() {
      sample();
      await child.stop('SIGTERM', 30_000);
    },
  };
}
