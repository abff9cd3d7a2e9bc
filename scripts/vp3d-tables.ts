/**
 * Prints docs/results.md's VideoPose3D tables from the eval reports scripts/vp3d-benchmark.sh wrote:
 *   npx tsx scripts/vp3d-tables.ts <work-dir>
 * Reads <work-dir>/eval-{full,3d10,semi}-s{11,12,13}.json (hmmr eval --checkpoint --json) and
 * <work-dir>/wall-times.txt; each cell is the mean ± sample standard deviation over the data seeds present.
 */
import type { MetricKey } from '../src/eval/report.js';
import { BENCHMARK_SEEDS, JOINT_METRIC_COLUMNS, meanStd, metricOf, readSeedEvaluations, wallSeconds } from './seed-tables.js';

const dir = process.argv[2] ?? 'vp3d-bench';
const seeds = BENCHMARK_SEEDS;
const variants = [
  ['full', 'vp3d-27, 3D for all 30 train tubes'],
  ['3d10', 'vp3d-27, 3D for 3 tubes (10 %) alone'],
  ['semi', 'vp3d-27, 3D for 3 tubes (10 %) + 27 2D-only tubes (back-projection)'],
] as const;
const columns = JOINT_METRIC_COLUMNS;

console.log(`| model | steps | seeds | ${columns.map(([, title]) => title).join(' | ')} | train wall (s, mean) |`);
console.log(`|---|---|---|${columns.map(() => '---|').join('')}---|`);
for (const [variant, label] of variants) {
  const runs = readSeedEvaluations(dir, variant, seeds);
  if (runs.length === 0) continue;
  const cells = columns.map(([key]) => meanStd(runs.map(({ evaluation }) => metricOf(evaluation, key))));
  const wall = wallSeconds(dir, variant);
  const steps = [...new Set(runs.map(({ evaluation }) => evaluation.step))].join('/');
  console.log(`| ${label} | ${steps} | ${runs.map(({ seed }) => seed).join(', ')} | ${cells.join(' | ')} | ${wall.length ? (wall.reduce((a, b) => a + b, 0) / wall.length).toFixed(0) : 'n/a'} |`);
}
console.log('\nPer seed (PA-MPJPE / MPJPE, mm):\n');
console.log(`| model | ${seeds.map((seed) => `seed ${seed}`).join(' | ')} |`);
console.log(`|---|${seeds.map(() => '---|').join('')}`);
for (const [variant, label] of variants) {
  const cells = seeds.map((seed) => {
    const run = readSeedEvaluations(dir, variant, [seed])[0];
    if (!run) return 'n/a';
    const value = (key: MetricKey) => metricOf(run.evaluation, key).toFixed(1);
    return `${value('pa_mpjpe')} / ${value('mpjpe')}`;
  });
  console.log(`| ${label} | ${cells.join(' | ')} |`);
}
