// `npm run bench:compare -- <before.json> <after.json> [--out <file.md>]`: the main
// figures of two `npm run bench` runs side by side, for a before-and-after pair (a code
// change, a Node upgrade). It reads the runs' JSON only; it measures nothing itself.
import fs from 'node:fs';
import path from 'node:path';
import { fmt, table } from './lib/report';

interface LatencyMs {
  p50: number;
  p99: number;
}
interface TurnRow {
  kind: 'plain' | 'booking';
  modelLatencyMs: number;
  offeredPerSecond: number;
  turnsPerSecond: number;
  webhookToReplyMs: LatencyMs;
}
interface PostgresTurnRow {
  workers: number;
  offeredPerSecond: number;
  turnsPerSecond: number;
}
interface CpuPer1000Turns {
  api: number;
  worker: number;
  workerByThread?: { main: number; temporalCore: number; otherThreads: number };
  temporalServer: number;
}
/** The parts of a results file this compares; older runs may lack some, shown as "–". */
export interface BenchResults {
  machine: { node: string; commit?: string; cpus: number; cpuModel: string };
  startedAt: string;
  ingestion: {
    highestRateWithP99UnderTarget?: number;
    temporalCeiling?: { startsPerSecond: number };
    apiCpuSecondsPer1000Webhooks?: number;
  };
  endToEnd: { rows: TurnRow[]; cpuSecondsPer1000PlainTurns: CpuPer1000Turns };
  postgresTemporal?: { turns: PostgresTurnRow[]; cpuSecondsPer1000PlainTurns: CpuPer1000Turns };
  resources?: { apiPeakRssMb: number; workerPeakRssMb: number };
}

/** Which way is better for a figure, so the change column can say so. */
type Better = 'higher' | 'lower';
interface Figure {
  label: string;
  unit: string;
  better: Better;
  digits: number;
  of: (results: BenchResults) => number | undefined;
}

/** CPU per turn or per webhook: seconds per 1,000 is milliseconds per one. */
const cpuMs = (label: string, of: Figure['of'], digits = 1): Figure => ({ label, unit: 'ms', better: 'lower', digits, of });
const medianReplyMs = (kind: TurnRow['kind'], offered: number): Figure => ({
  label: `Median webhook→reply, ${kind}, ${offered}/s`,
  unit: 'ms',
  better: 'lower',
  digits: 0,
  of: (r) => r.endToEnd.rows.find((row) => row.kind === kind && row.modelLatencyMs === 0 && row.offeredPerSecond === offered)?.webhookToReplyMs.p50,
});
const mostTurns = (label: string, rowsOf: (r: BenchResults) => Array<{ turnsPerSecond: number }>): Figure => ({
  label,
  unit: '/s',
  better: 'higher',
  digits: 1,
  of: (r) => {
    const rows = rowsOf(r);
    return rows.length ? Math.max(...rows.map((row) => row.turnsPerSecond)) : undefined;
  },
});
const peakRssMb = (label: string, of: Figure['of']): Figure => ({ label, unit: 'MB', better: 'lower', digits: 0, of });
const zeroMsModel = (kind: TurnRow['kind']) => (r: BenchResults) => r.endToEnd.rows.filter((row) => row.kind === kind && row.modelLatencyMs === 0);
const plainTurnCpu = (r: BenchResults) => r.endToEnd.cpuSecondsPer1000PlainTurns;

export const FIGURES: Figure[] = [
  { label: 'Signed webhooks/s with p99 < 100 ms', unit: '/s', better: 'higher', digits: 0, of: (r) => r.ingestion.highestRateWithP99UnderTarget },
  { label: 'Workflow starts/s, bare client (dev server)', unit: '/s', better: 'higher', digits: 0, of: (r) => r.ingestion.temporalCeiling?.startsPerSecond },
  cpuMs('API CPU per webhook accepted', (r) => r.ingestion.apiCpuSecondsPer1000Webhooks, 2),
  cpuMs('Plain turn: API CPU', (r) => plainTurnCpu(r).api),
  cpuMs('Plain turn: worker CPU', (r) => plainTurnCpu(r).worker),
  cpuMs('… main thread', (r) => plainTurnCpu(r).workerByThread?.main),
  cpuMs('… Temporal core', (r) => plainTurnCpu(r).workerByThread?.temporalCore),
  cpuMs('… other threads (workflow, GC, JIT, libuv)', (r) => plainTurnCpu(r).workerByThread?.otherThreads),
  cpuMs('Plain turn: Temporal server CPU', (r) => plainTurnCpu(r).temporalServer),
  medianReplyMs('plain', 10),
  medianReplyMs('plain', 20),
  mostTurns('Most plain turns/s (0 ms model)', zeroMsModel('plain')),
  medianReplyMs('booking', 5),
  mostTurns('Most booking turns/s (0 ms model)', zeroMsModel('booking')),
  peakRssMb('API peak RSS', (r) => r.resources?.apiPeakRssMb),
  peakRssMb('Worker peak RSS', (r) => r.resources?.workerPeakRssMb),
  cpuMs('Temporal on PostgreSQL: worker CPU per plain turn', (r) => r.postgresTemporal?.cpuSecondsPer1000PlainTurns.worker),
  mostTurns('Temporal on PostgreSQL: most plain turns/s, 1 worker', (r) => r.postgresTemporal?.turns.filter((row) => row.workers === 1) ?? []),
];

/**
 * Two runs of the same code have differed by up to this much here (worker CPU per plain
 * turn 62.8 and 69.3 ms on one day); a smaller change is not a change.
 */
export const SAME_WITHIN = 0.1;

/** "−12%" with the sign of the change, and whether that is better, worse, or within a few percent of noise. */
export function changeInWords(before: number | undefined, after: number | undefined, better: Better): string {
  if (before === undefined || after === undefined || before === 0) return '–';
  const change = (after - before) / before;
  const percent = `${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(Math.round(change * 100))}%`;
  if (Math.abs(change) < SAME_WITHIN) return `${percent} (same)`;
  const improved = better === 'higher' ? change > 0 : change < 0;
  return `${percent} (${improved ? 'better' : 'worse'})`;
}

const runLabel = (r: BenchResults, file: string) => `${r.machine.node}${r.machine.commit ? ` @ ${r.machine.commit}` : ''} (${path.basename(file, '.json')})`;

export function compare(before: BenchResults, after: BenchResults, files: [string, string]): string {
  const cell = (value: number | undefined, figure: Figure) => (value === undefined ? '–' : `${fmt(value, figure.digits)} ${figure.unit}`);
  const rows = FIGURES.map((figure) => {
    const [a, b] = [figure.of(before), figure.of(after)];
    return [figure.label, cell(a, figure), cell(b, figure), changeInWords(a, b, figure.better)];
  });
  return `# Benchmark pair

Before: ${runLabel(before, files[0])}, started ${before.startedAt}.
After: ${runLabel(after, files[1])}, started ${after.startedAt}.
Machine: ${after.machine.cpus} × ${after.machine.cpuModel}${before.machine.cpuModel === after.machine.cpuModel && before.machine.cpus === after.machine.cpus ? ' (both runs)' : ` (before: ${before.machine.cpus} × ${before.machine.cpuModel})`}.
CPU figures are per turn or per webhook, from each process's CPU time over the whole measurement. "Same" marks a
change under ${Math.round(SAME_WITHIN * 100)}%, which two runs of the same code have differed by on this machine; the ingestion search varies more.

${table(['Figure', 'Before', 'After', 'Change'], rows)}
`;
}

function main(argv: string[]): void {
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  const files = outIndex >= 0 ? argv.filter((_, i) => i !== outIndex && i !== outIndex + 1) : argv;
  if (files.length !== 2 || (outIndex >= 0 && !out)) {
    console.error('Usage: npm run bench:compare -- <before.json> <after.json> [--out <file.md>]');
    process.exit(2);
  }
  const [before, after] = files.map((file) => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
    } catch (err) {
      console.error(`Cannot read ${file} as a benchmark result: ${(err as Error).message}`);
      process.exit(2);
    }
  }) as [BenchResults, BenchResults];
  const markdown = compare(before, after, files as [string, string]);
  if (out) {
    fs.writeFileSync(out, markdown);
    console.log(`Written to ${out}`);
  } else {
    process.stdout.write(markdown);
  }
}

if (require.main === module) main(process.argv.slice(2));
