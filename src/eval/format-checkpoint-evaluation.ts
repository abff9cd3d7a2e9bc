import { formatDynamicsReport } from './dynamics.js';
import type { CheckpointEvaluation } from './evaluate-checkpoint.js';
import { formatEvalReport } from './format-report.js';

/** Both tables as text, headed by what was evaluated. */
export function formatCheckpointEvaluation(evaluation: CheckpointEvaluation): string {
  const tubes = evaluation.namePrefix ? `, tubes named ${evaluation.namePrefix}*` : '';
  const lines = [`checkpoint ${evaluation.checkpoint} (step ${evaluation.step}, config '${evaluation.config}'), ${evaluation.split} split${tubes}`, formatEvalReport(evaluation.report)];
  if (evaluation.protocol) lines.push(evaluation.protocol);
  if (evaluation.flipAverage) lines.push('predictions averaged with those of the mirrored tubes (--flip-average; the dynamics table\'s single frames too)');
  if (evaluation.refinePose) lines.push(`predictions fitted to each tube's 2D keypoints near the network's pose (--refine-pose, ${evaluation.refinePose.iterations} steps): every metric includes the fit; the dynamics table's single frames are not fitted`);
  if (evaluation.refineOrientation) lines.push(`predictions turned to fit each tube's 2D keypoints (--refine-orientation, ±${evaluation.refineOrientation.halfWindow} frames): MPJPE and PCK include the refinement, PA-MPJPE cannot change`);
  if (evaluation.caveat) lines.push(evaluation.caveat);
  if (evaluation.dynamics?.report) lines.push('', formatDynamicsReport(evaluation.dynamics.report));
  else if (evaluation.dynamics?.skipped) lines.push('', `Dynamics table skipped: ${evaluation.dynamics.skipped}`);
  return lines.join('\n');
}
