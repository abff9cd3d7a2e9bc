/**
 * Prints docs/results.md's pose-prior tables from the eval reports scripts/prior-benchmark.sh wrote:
 *   npx tsx scripts/prior-tables.ts <work-dir>
 * Reads <work-dir>/eval-{none,adversarial,flow,both}-s<seed>.json (hmmr eval --checkpoint --json), every
 * seed present; metrics are the per-sequence means of the reference code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointEvaluation } from '../src/eval/evaluate-checkpoint.js';
import type { MetricKey } from '../src/eval/report.js';
import { meanStd, metricOf } from './seed-tables.js';

const dir = process.argv[2] ?? 'prior-bench';
const priors = ['none', 'adversarial', 'flow', 'both'] as const;
const columns: [MetricKey, string][] = [
  ['mpjpe', 'MPJPE ↓ (mm)'],
  ['pa_mpjpe', 'PA-MPJPE ↓ (mm)'],
  ['pck', 'PCK ↑ (%)'],
  ['accel_error_mm_per_frame2', 'Accel err ↓ (mm/frame²)'],
];

const reports = new Map<string, Map<number, CheckpointEvaluation>>();
for (const name of readdirSync(dir)) {
  const match = /^eval-(\w+)-s(\d+)\.json$/.exec(name);
  if (!match) continue;
  const byPrior = reports.get(match[1]!) ?? new Map<number, CheckpointEvaluation>();
  byPrior.set(Number(match[2]), JSON.parse(readFileSync(join(dir, name), 'utf8')) as CheckpointEvaluation);
  reports.set(match[1]!, byPrior);
}

console.log(`| prior | seed | steps | ${columns.map(([, title]) => title).join(' | ')} |`);
console.log(`|---|---|---|${columns.map(() => '---|').join('')}`);
for (const prior of priors) {
  for (const [seed, evaluation] of [...(reports.get(prior) ?? [])].sort(([a], [b]) => a - b)) {
    console.log(`| ${prior} | ${seed} | ${evaluation.step} | ${columns.map(([key]) => metricOf(evaluation, key).toFixed(1)).join(' | ')} |`);
  }
}

console.log(`\n| prior | seeds | ${columns.map(([, title]) => `${title} mean ± sd`).join(' | ')} |`);
console.log(`|---|---|${columns.map(() => '---|').join('')}`);
for (const prior of priors) {
  const runs = [...(reports.get(prior)?.values() ?? [])];
  if (runs.length === 0) continue;
  const cells = columns.map(([key]) => meanStd(runs.map((evaluation) => metricOf(evaluation, key))));
  console.log(`| ${prior} | ${runs.length} | ${cells.join(' | ')} |`);
}
