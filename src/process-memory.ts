// How the API and the worker are started in production: the same settings are in
// package.json's start scripts, the Dockerfile and docker-compose.yml, and the
// benchmark starts its processes with them (test/unit/process-memory.test.ts
// keeps those in step with this file).
//
// Why: left to its defaults on a machine with plenty of memory, V8 lets each
// heap grow lazily, and glibc gives each busy thread (V8's, the Temporal core's
// tokio threads) its own 64 MB malloc arena. Under the benchmark's load that
// made a worker of about 700 MB and an API of about 250 MB, where their live
// data is a fraction of that. A heap cap makes V8 collect before growing, two
// arenas stop the per-thread spread, and small young generations keep the
// short-lived objects of each request from holding memory. Measured: under the
// same 25 turns/s backlog the worker's peak went from about 490 MB to about
// 275 MB, and the API's under 500 webhooks/s from about 230 MB to about 130 MB,
// with no measurable change in throughput; over a whole `npm run bench` the
// worker peaks at 310-330 MB (700 MB before) and the API at about 130 MB.
//
// The caps leave room: the worker keeps up to WORKER_MAX_CACHED_WORKFLOWS (250)
// workflows of a few kilobytes each. The API parses only bodies whose signature
// checks out (Meta's webhooks are a few kilobytes; raw bodies are Buffers,
// outside the V8 heap) and works on at most WEBHOOK_MAX_IN_FLIGHT (256) at once.
// Raise the caps together with those settings.

export const MALLOC_ENV = { MALLOC_ARENA_MAX: '2' } as const;

export const NODE_FLAGS = {
  api: ['--max-old-space-size=128', '--max-semi-space-size=4'],
  worker: ['--max-old-space-size=192', '--max-semi-space-size=4'],
} as const;
