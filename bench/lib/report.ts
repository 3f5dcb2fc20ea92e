// Writes a run's results as JSON (everything) and Markdown (the tables people
// read), named by date, plus `latest.*` copies the README points to.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function machineInfo() {
  const version = (pkg: string) => {
    try {
      // From node_modules directly: a package whose "exports" leaves out package.json (openai 7) cannot be resolved to it.
      return (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  let postgres = 'unknown';
  try {
    postgres = execFileSync('/usr/lib/postgresql/15/bin/postgres', ['--version']).toString().trim();
  } catch {
    // Reported as unknown.
  }
  return {
    commit: codeVersion(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    temporalCli: 'v1.5.1 (dev server, SQLite file)',
    temporalSdk: version('@temporalio/worker'),
    fastify: version('fastify'),
    prisma: version('@prisma/client'),
    openai: version('openai'),
    googleapis: version('googleapis'),
    loadGenerator: `for ingestion, fixed rates from an open-loop paced generator (Node http, own process) and the unthrottled row from autocannon ${version('autocannon')} (own process); Node fetch for turns`,
  };
}

/** The commit measured, marked when the working tree differs from it (results files aside). */
function codeVersion(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    const changed = git('status', '--porcelain', '--', '.', ':(exclude)bench/results') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function writeResults(dir: string, results: Record<string, unknown>, markdown: string): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const json = path.join(dir, `${stamp}.json`);
  const md = path.join(dir, `${stamp}.md`);
  fs.writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(md, markdown);
  fs.copyFileSync(json, path.join(dir, 'latest.json'));
  fs.copyFileSync(md, path.join(dir, 'latest.md'));
  return { json, md };
}

/** A Markdown table from a header row and data rows. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
