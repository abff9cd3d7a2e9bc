/**
 * Prints docs/results.md's tables from the eval reports that scripts/results-benchmark.sh wrote:
 *   npx tsx scripts/results-tables.ts <work-dir>
 * Reads <work-dir>/eval-{single-frame,temporal-no-dynamics,hmmr}.json (hmmr eval --checkpoint --json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointEvaluation } from '../src/eval/evaluate-checkpoint.js';
import type { MetricKey } from '../src/eval/report.js';

const dir = process.argv[2] ?? 'results-bench';
const models = [
  ['single-frame', 'single-frame (no temporal encoder)'],
  ['temporal-no-dynamics', 'temporal, no dynamics (no Δt heads, no hallucinator)'],
  ['hmmr', 'temporal + dynamics (HMMR)'],
] as const;

const evaluations = models
  .filter(([file]) => existsSync(join(dir, `eval-${file}.json`)))
  .map(([file, label]) => ({ label, evaluation: JSON.parse(readFileSync(join(dir, `eval-${file}.json`), 'utf8')) as CheckpointEvaluation }));

const columns: [MetricKey, string][] = [
  ['pck', 'PCK ↑ (%)'],
  ['mpjpe', 'MPJPE ↓ (mm)'],
  ['pa_mpjpe', 'PA-MPJPE ↓ (mm)'],
  ['accel_error_mm_per_frame2', 'Accel err ↓ (mm/frame²)'],
  ['accel_error_mm_per_s2', 'Accel err ↓ (mm/s²)'],
  ['accel_mm_per_frame2', 'Accel of pred (mm/frame²)'],
  ['accel_mm_per_s2', 'Accel of pred (mm/s²)'],
];

for (const aggregation of ['perSequence', 'allFrames'] as const) {
  console.log(`\n${aggregation === 'perSequence' ? 'Per-sequence mean (reference code)' : 'Mean over all frames (VIBE)'}:\n`);
  console.log(`| model | steps | ${columns.map(([, title]) => title).join(' | ')} |`);
  console.log(`|---|---|${columns.map(() => '---|').join('')}`);
  for (const { label, evaluation } of evaluations) {
    const cells = columns.map(([key]) => {
      const row = evaluation.report.rows.find((r) => r.key === key);
      const value = row?.[aggregation];
      return value == null ? 'n/a' : value.toFixed(key.endsWith('per_s2') ? 0 : 1);
    });
    console.log(`| ${label} | ${evaluation.step} | ${cells.join(' | ')} |`);
  }
}

const hmmr = evaluations.find(({ label }) => label.includes('HMMR'))?.evaluation.dynamics?.report;
if (hmmr) {
  const d = hmmr.deltaFrames;
  console.log(`\nDynamics from a single frame, PA-MPJPE ↓ (mm), ${hmmr.framesCounted} frames t:\n`);
  console.log(`| | aggregation | past (t−${d}) | current (t) | future (t+${d}) |`);
  console.log('|---|---|---|---|---|');
  for (const row of hmmr.rows) {
    for (const aggregation of ['perSequence', 'allFrames'] as const) {
      const cells = (['past', 'current', 'future'] as const).map((c) => row.cells[c][aggregation]?.toFixed(1) ?? 'n/a');
      console.log(`| ${row.label} | ${aggregation === 'perSequence' ? 'per-sequence' : 'all-frames'} | ${cells.join(' | ')} |`);
    }
  }
}
