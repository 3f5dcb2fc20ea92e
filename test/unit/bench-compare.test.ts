// `npm run bench:compare` puts two benchmark runs side by side: the figures it reads
// from each results file, and what it calls better, worse or the same.
import { changeInWords, compare, SAME_WITHIN, type BenchResults } from '../../bench/compare';

function results(overrides: { node: string; workerCpu: number; turnsAt20: number; commit?: string }): BenchResults {
  return {
    machine: { node: overrides.node, commit: overrides.commit, cpus: 2, cpuModel: 'AMD EPYC' },
    startedAt: '2026-12-05T14:36:30.527Z',
    ingestion: { highestRateWithP99UnderTarget: 173, temporalCeiling: { startsPerSecond: 265 }, apiCpuSecondsPer1000Webhooks: 2.1 },
    endToEnd: {
      rows: [
        { kind: 'plain', modelLatencyMs: 0, offeredPerSecond: 10, turnsPerSecond: 10, webhookToReplyMs: { p50: 93, p99: 191 } },
        { kind: 'plain', modelLatencyMs: 0, offeredPerSecond: 20, turnsPerSecond: overrides.turnsAt20, webhookToReplyMs: { p50: 158, p99: 704 } },
        // An 800 ms model row: not part of "most plain turns/s (0 ms model)".
        { kind: 'plain', modelLatencyMs: 800, offeredPerSecond: 20, turnsPerSecond: 25, webhookToReplyMs: { p50: 973, p99: 1182 } },
      ],
      cpuSecondsPer1000PlainTurns: {
        api: 3.77,
        worker: overrides.workerCpu,
        workerByThread: { main: 15.07, temporalCore: 2.72, otherThreads: 19.23 },
        temporalServer: 27.07,
      },
    },
  };
}

const rowOf = (markdown: string, label: string) => markdown.split('\n').find((line) => line.startsWith(`| ${label} |`));

describe('bench:compare', () => {
  test('says whether a change is better or worse by which way the figure should go, and the same within the noise', () => {
    expect(changeInWords(40, 30, 'lower')).toBe('−25% (better)');
    expect(changeInWords(40, 50, 'lower')).toBe('+25% (worse)');
    expect(changeInWords(16, 20, 'higher')).toBe('+25% (better)');
    expect(changeInWords(100, 100 * (1 + SAME_WITHIN / 2), 'lower')).toBe('+5% (same)');
    expect(changeInWords(100, 100, 'higher')).toBe('±0% (same)');
  });

  test('a figure one run lacks is shown as missing, not as zero', () => {
    expect(changeInWords(undefined, 30, 'lower')).toBe('–');
    expect(changeInWords(0, 30, 'lower')).toBe('–');
    const markdown = compare(results({ node: 'v20.20.2', workerCpu: 37.85, turnsAt20: 16.2 }), results({ node: 'v24.22.3', workerCpu: 30, turnsAt20: 18 }), [
      'a.json',
      'b.json',
    ]);
    expect(rowOf(markdown, 'Worker peak RSS')).toBe('| Worker peak RSS | – | – | – |');
  });

  test('names each run by its Node and commit, and reads the figures from the right rows', () => {
    const markdown = compare(
      results({ node: 'v20.20.2', workerCpu: 37.85, turnsAt20: 16.2, commit: 'fe7f200' }),
      results({ node: 'v24.22.3', workerCpu: 30.1, turnsAt20: 18.4, commit: 'fe7f200' }),
      ['bench/results/2026-12-05T14-47-45.json', 'bench/results/2026-12-05T15-00-00.json'],
    );
    expect(markdown).toContain('Before: v20.20.2 @ fe7f200 (2026-12-05T14-47-45)');
    expect(markdown).toContain('After: v24.22.3 @ fe7f200 (2026-12-05T15-00-00)');
    expect(rowOf(markdown, 'Plain turn: worker CPU')).toBe('| Plain turn: worker CPU | 37.9 ms | 30.1 ms | −20% (better) |');
    expect(rowOf(markdown, 'Most plain turns/s (0 ms model)')).toBe('| Most plain turns/s (0 ms model) | 16.2 /s | 18.4 /s | +14% (better) |');
    expect(rowOf(markdown, 'Median webhook→reply, plain, 10/s')).toBe('| Median webhook→reply, plain, 10/s | 93 ms | 93 ms | ±0% (same) |');
  });
});
