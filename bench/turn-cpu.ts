// `npm run bench:turn-cpu`: what one plain turn (0 ms model) costs in CPU, and
// nothing else, in about a minute instead of the whole benchmark's twelve. For
// working on the per-turn cost: run it before and after a change, on the same
// machine and day. BENCH_PROFILE=1 also writes V8 CPU profiles of the API and
// the worker's main thread to bench/profiles/.
//
// The same stack and processes as `npm run bench` section 2 (the compiled API
// and worker with production Node flags, the dev server), with plain turns
// offered at 10/s (BENCH_RATE) for 8 s (BENCH_SECONDS), 3 times (BENCH_ROUNDS)
// after one round that warms the processes up.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchModel } from './lib/bench-model';
import { BENCH_SECRETS, serviceEnv, startInfra } from './lib/infra';
import { cpuSecondsOf, startService, type ThreadCpu } from './lib/services';
import { runTurns } from './lib/turns';
import { NODE_FLAGS } from '../src/process-memory';

const RATE = Number(process.env.BENCH_RATE ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const log = (line: string) => console.log(`[turn-cpu] ${line}`);

async function main(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: path.resolve(__dirname, '..'), stdio: 'inherit' });
  const infra = await startInfra(log);
  const env = { ...serviceEnv(infra), TEMPORAL_TASK_QUEUE: 'bench-turn-cpu' };
  infra.sandbox.openai.respondWith(benchModel);
  const api = await startService('api', 'dist/api/main.js', env, { readyPath: '/readyz', nodeFlags: NODE_FLAGS.api });
  // Logging as `npm run bench` has it, so the figures compare.
  const worker = await startService(
    'worker',
    'dist/worker/main.js',
    { ...env, LOG_LEVEL: 'info' },
    { readyLine: 'Worker polling', nodeFlags: NODE_FLAGS.worker },
  );
  try {
    let turns = 0;
    const spent = { api: 0, server: 0, main: 0, temporalCore: 0, otherThreads: 0 };
    for (let round = 0; round <= ROUNDS; round++) {
      const business = await infra.createBusiness(`turn-cpu-${round}`);
      const before = { api: api.cpuSeconds(), server: infra.temporalCpuSeconds(), threads: worker.threadCpuSeconds() };
      const result = await runTurns({
        sandbox: infra.sandbox,
        webhookUrl: `${api.url}/webhook`,
        phoneNumberId: business.phoneNumberId,
        appSecret: BENCH_SECRETS.appSecret,
        run: 1000 + round,
        text: 'Hello!',
        rate: RATE,
        durationSeconds: SECONDS,
        drainSeconds: 60,
      });
      // Trailing work (the message workflows' completions) belongs to this round.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const threads: ThreadCpu = worker.threadCpuSeconds();
      const counted = round > 0;
      log(
        `round ${round}: ${result.replied}/${result.sent} replied, webhook→reply p50 ${result.webhookToReplyMs.p50} ms${counted ? '' : ' (warm-up, not counted)'}`,
      );
      if (!counted) continue;
      turns += result.replied;
      spent.api += api.cpuSeconds() - before.api;
      spent.server += infra.temporalCpuSeconds() - before.server;
      spent.main += threads.main - before.threads.main;
      spent.temporalCore += threads.temporalCore - before.threads.temporalCore;
      spent.otherThreads += threads.otherThreads - before.threads.otherThreads;
    }
    const perTurn = (seconds: number) => ((seconds / turns) * 1000).toFixed(1);
    log(`${turns} turns counted; CPU-ms per plain turn:`);
    log(
      `  worker ${perTurn(spent.main + spent.temporalCore + spent.otherThreads)} (main thread ${perTurn(spent.main)}, Temporal core ${perTurn(spent.temporalCore)}, other threads ${perTurn(spent.otherThreads)})`,
    );
    log(`  Temporal server ${perTurn(spent.server)}, API ${perTurn(spent.api)}`);
    log(`peak RSS: worker ${Math.round(worker.peakRssMb())} MB, API ${Math.round(api.peakRssMb())} MB (Node ${process.version})`);
    log(`  resident now: worker ${residentNow(worker.pid)}; API ${residentNow(api.pid)}`);
    // Node names few of its threads: the busiest unnamed one is the workflow thread, the four alike are V8's helpers (GC).
    log(`  the worker's threads since it started (CPU s): ${threadTotals(worker.pid)}`);
  } finally {
    await worker.stop();
    await api.stop();
    await infra.stop();
  }
}

function threadTotals(pid: number): string {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .map((tid) => ({ name: fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), seconds: cpuSecondsOf(pid, tid), main: tid === String(pid) }))
    .filter((thread) => thread.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds)
    .map((thread) => `${thread.main ? 'main' : thread.name} ${thread.seconds.toFixed(2)}`)
    .join(', ');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/** Resident memory by kind: the heaps and buffers (anonymous) and the mapped binary and libraries (file). */
function residentNow(pid: number): string {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024);
  return `${mb('VmRSS')} MB, of which ${mb('RssAnon')} anonymous (heaps, buffers) and ${mb('RssFile')} mapped files (the Node binary, native libraries)`;
}
