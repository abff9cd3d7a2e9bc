/**
 * Prints docs/results.md's VideoPose3D tables from the eval reports scripts/vp3d-benchmark.sh wrote:
 *   npx tsx scripts/vp3d-tables.ts <work-dir>
 * Reads <work-dir>/eval-{full,3d10,semi}-s{11,12,13}.json (hmmr eval --checkpoint --json) and
 * <work-dir>/wall-times.txt; each cell is the mean ± sample standard deviation over the data seeds present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointEvaluation } from '../src/eval/evaluate-checkpoint.js';
import type { MetricKey } from '../src/eval/report.js';

const dir = process.argv[2] ?? 'vp3d-bench';
const seeds = [11, 12, 13];
const variants = [
  ['full', 'vp3d-27, 3D for all 30 train tubes'],
  ['3d10', 'vp3d-27, 3D for 3 tubes (10 %) alone'],
  ['semi', 'vp3d-27, 3D for 3 tubes (10 %) + 27 2D-only tubes (back-projection)'],
] as const;
const columns: [MetricKey, string][] = [
  ['pck', 'PCK ↑ (%)'],
  ['mpjpe', 'MPJPE ↓ (mm)'],
  ['pa_mpjpe', 'PA-MPJPE ↓ (mm)'],
  ['accel_error_mm_per_frame2', 'Accel err ↓ (mm/frame²)'],
];

const walls = existsSync(join(dir, 'wall-times.txt')) ? readFileSync(join(dir, 'wall-times.txt'), 'utf8') : '';

function meanStd(values: number[]): string {
  if (values.length === 0) return 'n/a';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return mean.toFixed(1);
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return `${mean.toFixed(1)} ± ${std.toFixed(1)}`;
}

console.log(`| model | steps | seeds | ${columns.map(([, title]) => title).join(' | ')} | train wall (s, mean) |`);
console.log(`|---|---|---|${columns.map(() => '---|').join('')}---|`);
for (const [variant, label] of variants) {
  const runs = seeds
    .filter((seed) => existsSync(join(dir, `eval-${variant}-s${seed}.json`)))
    .map((seed) => ({ seed, evaluation: JSON.parse(readFileSync(join(dir, `eval-${variant}-s${seed}.json`), 'utf8')) as CheckpointEvaluation }));
  if (runs.length === 0) continue;
  const cells = columns.map(([key]) => meanStd(runs.map(({ evaluation }) => evaluation.report.rows.find((row) => row.key === key)?.perSequence).filter((v): v is number => typeof v === 'number')));
  const wall = [...walls.matchAll(new RegExp(`^${variant} seed (\\d+): ([\\d.]+) s wall$`, 'gm'))].map((m) => Number(m[2]));
  const steps = [...new Set(runs.map(({ evaluation }) => evaluation.step))].join('/');
  console.log(`| ${label} | ${steps} | ${runs.map(({ seed }) => seed).join(', ')} | ${cells.join(' | ')} | ${wall.length ? (wall.reduce((a, b) => a + b, 0) / wall.length).toFixed(0) : 'n/a'} |`);
}
console.log('\nPer seed (PA-MPJPE / MPJPE, mm):\n');
console.log(`| model | ${seeds.map((seed) => `seed ${seed}`).join(' | ')} |`);
console.log(`|---|${seeds.map(() => '---|').join('')}`);
for (const [variant, label] of variants) {
  const cells = seeds.map((seed) => {
    const path = join(dir, `eval-${variant}-s${seed}.json`);
    if (!existsSync(path)) return 'n/a';
    const rows = (JSON.parse(readFileSync(path, 'utf8')) as CheckpointEvaluation).report.rows;
    const value = (key: MetricKey) => rows.find((row) => row.key === key)?.perSequence?.toFixed(1) ?? 'n/a';
    return `${value('pa_mpjpe')} / ${value('mpjpe')}`;
  });
  console.log(`| ${label} | ${cells.join(' | ')} |`);
}
