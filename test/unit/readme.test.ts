// The README's retry table and list of outcomes are rendered from the code
// (npm run docs); this fails when the README is behind the code it describes.
import fs from 'node:fs';
import path from 'node:path';
import { duration, renderMetrics, renderOutcomes, renderReadme, renderRetryTable } from '../../src/docs/readme-sections';
import { API_METRICS, WEBHOOK_RESULTS, WORKER_METRICS } from '../../src/observability/metrics-definitions';
import { CONFIG_VARIABLES } from '../../src/config';
import { DATABASE_STEP, totalBackoffMs } from '../../src/workflows/retry-policies';
import { TURN_OUTCOMES } from '../../src/workflows/types';

const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

test('the generated sections of README.md are up to date (run `npm run docs` if not)', () => {
  expect(renderReadme(readme)).toBe(readme);
});

test('every outcome a workflow can end with is explained', () => {
  const listed = [...renderOutcomes().matchAll(/^- `([a-z-]+)`:/gm)].map((m) => m[1]);
  expect(listed.sort()).toEqual([...TURN_OUTCOMES].sort());
});

test("the retry table has one row per group of activities, with the policies' numbers", () => {
  const table = renderRetryTable();
  expect(table.split('\n')).toHaveLength(2 + 5);
  expect(table).toContain(
    '| Database steps (`admitMessage`: record and enqueue; `prepareTurn`: limits, load; `recordTurn`), local | 10 s | 30 tries, 0.2 s doubling to 10 s (about 4 min in all) |',
  );
});

test('every metric has a row, with its type and labels, and every webhook result is explained', () => {
  const text = renderMetrics();
  for (const metric of [...Object.values(API_METRICS), ...Object.values(WORKER_METRICS)]) {
    const row = text.split('\n').find((line) => line.startsWith(`| \`${metric.name}\` |`));
    expect(row).toContain(`| ${metric.type} |`);
    for (const label of Object.keys(metric.labels)) expect(row).toContain(`\`${label}\`:`);
  }
  const results = [...text.matchAll(/^- `([a-z-]+)`:/gm)].map((m) => m[1]);
  expect(results).toEqual(Object.keys(WEBHOOK_RESULTS));
});

test('a missing marker is an error, not a silent skip', () => {
  expect(() => renderReadme('# no markers here')).toThrow(/generated:retry-table/);
});

test.each([
  [200, '0.2 s'],
  [1_000, '1 s'],
  [90_000, '90 s'],
  [60_000, '1 min'],
  [242_600, '4 min'],
])('duration(%i) is %s', (ms, text) => {
  expect(duration(ms)).toBe(text);
});

test('the database steps keep trying for about four minutes', () => {
  expect(totalBackoffMs(DATABASE_STEP)).toBe(200 + 400 + 800 + 1600 + 3200 + 6400 + 23 * 10_000);
});

test('every setting the configuration reads has a row in the README', () => {
  const start = readme.indexOf('## Configuration');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  expect(CONFIG_VARIABLES.filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
});
