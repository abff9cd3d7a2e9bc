import { formatCheckpointEvaluation } from '../eval/format-checkpoint-evaluation.js';
import type { MetricKey } from '../eval/report.js';
import { formatDuration } from '../util/progress.js';
import type { DemoResult } from './run-demo.js';

/** The demo's closing report: both metric tables, where every output is, and a short summary. */
export function formatDemoResult(result: DemoResult): string {
  const { paths, evaluation, seconds } = result;
  const metric = (key: MetricKey) => evaluation.report.rows.find((row) => row.key === key);
  const mm = (key: MetricKey) => {
    const row = metric(key);
    return row?.perSequence == null ? 'n/a' : `${row.perSequence.toFixed(row.unit === 'mm/s²' ? 0 : 1)} ${row.unit}`;
  };
  const train = result.train;
  const speed = train.msPerStep === null ? 'reused' : `${train.stepsRun} steps this run, ${(train.msPerStep / 1000).toFixed(2)} s/step`;
  const lines = [
    formatCheckpointEvaluation(evaluation),
    '',
    'outputs',
    `  database     ${paths.db}  (the clip: ${result.clip.tubes.length} tube(s); ${result.synth.sequences} synthetic sequences)`,
    `  checkpoint   ${result.checkpoint}  (step ${train.step}, config '${train.config}', ${speed})`,
    `  metrics      ${paths.metrics}  (training losses, one JSON line per logged step)`,
    `  eval report  ${paths.evalReport}`,
    `  overlay      ${paths.overlay}  (${result.overlay.frames} frames: tube '${result.overlay.tubeName}' in 2D | predicted 3D from the front | from the side)`,
    '',
    'summary',
    `  test split (per-sequence): MPJPE ${mm('mpjpe')}, PA-MPJPE ${mm('pa_mpjpe')}, accel error ${mm('accel_error_mm_per_frame2')} (${mm('accel_error_mm_per_s2')})`,
  ];
  const dynamics = evaluation.dynamics?.report;
  if (dynamics) {
    const [constant, hallucinated] = dynamics.rows;
    const triple = (row: typeof constant) => (['past', 'current', 'future'] as const).map((c) => row!.cells[c].perSequence?.toFixed(1) ?? 'n/a').join(' / ');
    lines.push(`  dynamics PA-MPJPE past / current / future (mm): hallucinator ${triple(hallucinated)}, constant baseline ${triple(constant)}`);
  }
  const stageTimes = (['clip', 'synth', 'train', 'eval', 'overlay'] as const).map((stage) => `${stage} ${formatDuration(seconds[stage])}`).join(', ');
  lines.push(`  wall time ${formatDuration(seconds.total)} (${stageTimes}); backend ${train.backend}`);
  lines.push(`  ${train.step} training steps from ${train.startedFrom} is a demonstration: hmmr train --db ${paths.db} --out ${paths.runDir} --resume --steps 1000 continues it`);
  return lines.join('\n');
}
