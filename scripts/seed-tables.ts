/**
 * What the benchmark table scripts share: reading the `hmmr eval --checkpoint --json` reports a
 * benchmark script wrote as eval-<variant>-s<seed>.json, and mean ± standard deviation over seeds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointEvaluation } from '../src/eval/evaluate-checkpoint.js';
import type { MetricKey } from '../src/eval/report.js';

/** The benchmark scripts' data seeds. */
export const BENCHMARK_SEEDS = [11, 12, 13] as const;

/** The joint metrics every benchmark table shows, with their column titles. */
export const JOINT_METRIC_COLUMNS: readonly [MetricKey, string][] = [
  ['pck', 'PCK ↑ (%)'],
  ['mpjpe', 'MPJPE ↓ (mm)'],
  ['pa_mpjpe', 'PA-MPJPE ↓ (mm)'],
  ['accel_error_mm_per_frame2', 'Accel err ↓ (mm/frame²)'],
];

/** `<dir>/eval-<variant>-s<seed>.json` for each seed that has one. */
export function readSeedEvaluations(dir: string, variant: string, seeds: readonly number[]): { seed: number; evaluation: CheckpointEvaluation }[] {
  return seeds
    .filter((seed) => existsSync(join(dir, `eval-${variant}-s${seed}.json`)))
    .map((seed) => ({ seed, evaluation: JSON.parse(readFileSync(join(dir, `eval-${variant}-s${seed}.json`), 'utf8')) as CheckpointEvaluation }));
}

/** A metric's per-sequence mean (the reference code's aggregation); NaN when absent. */
export function metricOf(evaluation: CheckpointEvaluation, key: MetricKey): number {
  return evaluation.report.rows.find((row) => row.key === key)?.perSequence ?? Number.NaN;
}

/** "mean ± sample std" over the values that are numbers; one value prints alone, none as n/a. */
export function meanStd(values: readonly number[], digits = 1): string {
  const present = values.filter((value) => Number.isFinite(value));
  if (present.length === 0) return 'n/a';
  const mean = present.reduce((a, b) => a + b, 0) / present.length;
  if (present.length === 1) return mean.toFixed(digits);
  const std = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / (present.length - 1));
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

/** Wall seconds a benchmark script logged as "<variant> seed <seed>: <s> s wall" lines. */
export function wallSeconds(dir: string, variant: string): number[] {
  const path = join(dir, 'wall-times.txt');
  if (!existsSync(path)) return [];
  const escaped = variant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...readFileSync(path, 'utf8').matchAll(new RegExp(`^${escaped} seed (\\d+): ([\\d.]+) s wall$`, 'gm'))].map((m) => Number(m[2]));
}
