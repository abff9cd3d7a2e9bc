/**
 * Prints docs/results.md's Table 2, 5 and 4 analogues from what the benchmark scripts wrote:
 *   npx tsx scripts/results-tables.ts <results-work-dir> [<pseudo2d-work-dir>]
 * Reads <results-work-dir>/eval-{single-frame,temporal-no-dynamics,hmmr,hmmr-init}{,-refined,-flip,-flip-refined,-pose,-pose-refined,-flip-pose,-flip-pose-refined}{,-final}-s<seed>.json (scripts/
 * results-benchmark.sh: the best validation checkpoint, and the last step when present) with
 * synth-s<seed>/gt{,-train}.json for the nearest-neighbour oracle, and
 * <pseudo2d-work-dir>/eval-{,seen-}{temporal,temporal-noprior,temporal-unbalanced,temporal-pa,temporal-pa-bank,hmmr}-2d<N>-s<seed>.json (scripts/pseudo2d-benchmark.sh). Each cell is
 * the mean ± sample standard deviation over the data seeds present of the per-sequence means.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DYNAMICS_COLUMNS, type DynamicsRow } from '../src/eval/dynamics.js';
import { nearestNeighbourOracleRow } from '../src/eval/dynamics-oracle.js';
import { loadEvalFile } from '../src/eval/eval-file.js';
import type { MetricKey } from '../src/eval/report.js';
import { BENCHMARK_SEEDS, JOINT_METRIC_COLUMNS, meanStd, metricOf, readSeedEvaluations, wallSeconds } from './seed-tables.js';

const [resultsDir = 'results-bench', pseudo2dDir] = process.argv.slice(2);
const SEEDS = BENCHMARK_SEEDS;

/** Each trained model: its file name, its row label, and the short name its test-time rows use. */
const baseModels = [
  ['single-frame', 'single-frame (no temporal encoder)', 'single-frame'],
  ['temporal-no-dynamics', 'temporal, no dynamics (no Δt heads, no hallucinator)', 'temporal, no dynamics'],
  ['hmmr', 'temporal + dynamics (HMMR)', 'HMMR'],
  ['hmmr-init', 'HMMR fine-tuned from the shipped checkpoint (--init)', 'HMMR from the shipped checkpoint'],
] as const;
/** The same checkpoints scored with hmmr eval's test-time options (scripts/results-benchmark.sh). */
const testTimeVariants = [
  ['refined', '+ orientation refinement'],
  ['flip', '+ flip averaging'],
  ['flip-refined', '+ flip averaging + orientation refinement'],
  ['pose', '+ pose fit'],
  ['pose-refined', '+ pose fit + orientation refinement'],
  ['flip-pose', '+ flip averaging + pose fit'],
  ['flip-pose-refined', '+ flip averaging + pose fit + orientation refinement'],
] as const;
const models: [string, string][] = [
  ...baseModels.map(([model, label]): [string, string] => [model, label]),
  ...testTimeVariants.flatMap(([suffix, what]) => baseModels.map(([model, , short]): [string, string] => [`${model}-${suffix}`, `${short}, ${what}`])),
];
const columns: readonly [MetricKey, string][] = [...JOINT_METRIC_COLUMNS, ['accel_mm_per_frame2', 'Accel of pred (mm/frame²)']];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The evaluations of one checkpoint per run: `best` = <run>/best (eval-<model>-s<seed>.json), `final`
 * = the run's last step (eval-<model>-final-s<seed>.json; scripts/results-benchmark.sh writes both).
 */
type Scored = 'best' | 'final';
const evaluationsOf = (model: string, scored: Scored) => readSeedEvaluations(resultsDir, scored === 'best' ? model : `${model}-final`, SEEDS);
const scoredTitle = { best: 'best validation checkpoint', final: 'final checkpoint' } as const;

/** The oracle row per seed: it depends on the data only, so it is computed once for both tables. */
const oracleRows = new Map<number, DynamicsRow | undefined>();
function oracleRowFor(seed: number, deltaFrames: number): DynamicsRow | undefined {
  if (!oracleRows.has(seed)) {
    const synth = join(resultsDir, `synth-s${seed}`);
    const oracleSet = (file: string) => loadEvalFile(join(synth, file)).sequences.map((s) => ({ frameCount: s.frameCount, joints3d: s.joints3d, visible: s.visible }));
    oracleRows.set(seed, existsSync(join(synth, 'gt-train.json')) ? nearestNeighbourOracleRow(oracleSet('gt-train.json'), oracleSet('gt.json'), deltaFrames, 14) : undefined);
  }
  return oracleRows.get(seed);
}

function printTable2(scored: Scored): void {
  console.log(`## Table 2 analogue (${scoredTitle[scored]})\n`);
  console.log(`| model | ${scored === 'best' ? 'best step (per seed)' : 'step'} | seeds | ${columns.map(([, title]) => title).join(' | ')} | MPJPE / PA | train wall (s, mean) |`);
  console.log(`|---|---|---|${columns.map(() => '---|').join('')}---|---|`);
  for (const [model, label] of models) {
    const runs = evaluationsOf(model, scored);
    if (runs.length === 0) continue;
    const cells = columns.map(([key]) => meanStd(runs.map(({ evaluation }) => metricOf(evaluation, key))));
    const ratio = meanStd(runs.map(({ evaluation }) => metricOf(evaluation, 'mpjpe') / metricOf(evaluation, 'pa_mpjpe')), 2);
    const wall = wallSeconds(resultsDir, model);
    console.log(`| ${label} | ${runs.map(({ evaluation }) => evaluation.step).join(', ')} | ${runs.map(({ seed }) => seed).join(', ')} | ${cells.join(' | ')} | ${ratio} | ${wall.length ? mean(wall).toFixed(0) : 'n/a'} |`);
  }
}

function printTable5(scored: Scored, model: string, label: string): void {
  const hmmrRuns = evaluationsOf(model, scored).flatMap(({ seed, evaluation }) => (evaluation.dynamics?.report ? [{ seed, report: evaluation.dynamics.report }] : []));
  if (hmmrRuns.length === 0) return;
  const rowsBySeed = hmmrRuns.map(({ seed, report }) => {
    const oracle = oracleRowFor(seed, report.deltaFrames);
    const rows: DynamicsRow[] = [...report.rows, ...(oracle ? [oracle] : [])];
    return { seed, deltaFrames: report.deltaFrames, frames: report.framesCounted, rows };
  });
  const d = rowsBySeed[0]!.deltaFrames;
  console.log(`\n## Table 5 analogue (${label}, ${scoredTitle[scored]}; PA-MPJPE ↓ mm, per-sequence means; seeds ${rowsBySeed.map((r) => r.seed).join(', ')}; ${rowsBySeed.map((r) => r.frames).join('/')} frames t)\n`);
  console.log(`| | past (t−${d}) | current (t) | future (t+${d}) |`);
  console.log('|---|---|---|---|');
  for (const key of ['constant', 'hallucinated', 'oracle'] as const) {
    const rows = rowsBySeed.map((r) => r.rows.find((row) => row.key === key)).filter((row): row is DynamicsRow => row !== undefined);
    if (rows.length === 0) continue;
    const cells = DYNAMICS_COLUMNS.map((column) => meanStd(rows.map((row) => row.cells[column].perSequence ?? Number.NaN)));
    console.log(`| ${rows[0]!.label} | ${cells.join(' | ')} |`);
  }
  console.log('\nHallucinator minus constant baseline, per seed (mm; negative = better):\n');
  for (const { seed, rows } of rowsBySeed) {
    const cell = (key: string, column: 'past' | 'future') => rows.find((row) => row.key === key)!.cells[column].perSequence!;
    console.log(`- seed ${seed}: past ${(cell('hallucinated', 'past') - cell('constant', 'past')).toFixed(1)}, future ${(cell('hallucinated', 'future') - cell('constant', 'future')).toFixed(1)}`);
  }
}

for (const scored of ['best', 'final'] as const) {
  if (models.every(([model]) => evaluationsOf(model, scored).length === 0)) continue;
  printTable2(scored);
  for (const [model, label] of models) if (model.startsWith('hmmr')) printTable5(scored, model, label);
  console.log('');
}

if (pseudo2dDir) {
  const amounts = [0, 5, 10, 20];
  for (const [model, label] of [['temporal', 'temporal, no dynamics'], ['temporal-noprior', 'temporal, no dynamics, adversarial prior off'], ['temporal-unbalanced', 'temporal, no dynamics, tiers not balanced'], ['temporal-pa', 'temporal, no dynamics, best checkpoint by validation PA-MPJPE'], ['temporal-pa-bank', 'temporal, no dynamics, best by validation PA-MPJPE, prior on a pose bank of every family'], ['hmmr', 'HMMR']] as const) {
    const variant = (amount: number) => `${model}-2d${amount}`;
    if (amounts.every((amount) => readSeedEvaluations(pseudo2dDir, variant(amount), SEEDS).length === 0)) continue;
    console.log(`\n## Table 4 analogue, ${label} (test error on the held-out motion families unless said)\n`);
    console.log('| 2D-only tubes of the held-out families | share | seeds | MPJPE ↓ (mm) | PA-MPJPE ↓ (mm) | PCK ↑ (%) | seen families: PA-MPJPE ↓ (mm) | train wall (s, mean) |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const amount of amounts) {
      const heldOut = readSeedEvaluations(pseudo2dDir, variant(amount), SEEDS);
      if (heldOut.length === 0) continue;
      const seen = readSeedEvaluations(pseudo2dDir, `seen-${variant(amount)}`, SEEDS);
      const metric = (runs: typeof heldOut, key: MetricKey) => meanStd(runs.map(({ evaluation }) => metricOf(evaluation, key)));
      const wall = wallSeconds(pseudo2dDir, variant(amount));
      console.log(
        `| ${amount} × 100 frames | ${((100 * amount) / amounts.at(-1)!).toFixed(0)} % | ${heldOut.map(({ seed }) => seed).join(', ')} | ${metric(heldOut, 'mpjpe')} | ${metric(heldOut, 'pa_mpjpe')} | ${metric(heldOut, 'pck')} | ${metric(seen, 'pa_mpjpe')} | ${wall.length ? mean(wall).toFixed(0) : 'n/a'} |`,
      );
    }
    console.log('\nHeld-out PA-MPJPE / MPJPE per seed (mm), by amount of 2D (0, 5, 10, 20 sequences):\n');
    for (const seed of SEEDS) {
      const values = amounts.map((amount) => readSeedEvaluations(pseudo2dDir, variant(amount), [seed])[0]).map((run) => (run ? `${metricOf(run.evaluation, 'pa_mpjpe').toFixed(1)} / ${metricOf(run.evaluation, 'mpjpe').toFixed(1)}` : 'n/a'));
      console.log(`- seed ${seed}: ${values.join(' → ')}`);
    }
  }
}
