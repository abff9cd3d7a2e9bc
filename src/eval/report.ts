import { accelerationErrorPerWindow, accelerationPerWindow, perFrame2ToPerSecond2 } from '../metrics/acceleration.js';
import { aggregateAcrossSequences, type Aggregate } from '../metrics/aggregate.js';
import { framesFor3dMetrics, MIN_VISIBLE_3D_EXCLUSIVE } from '../metrics/frame-filter.js';
import { alignByPelvis } from '../metrics/joint-arrays.js';
import { mpjpePerFrame } from '../metrics/mpjpe.js';
import { CROP_SIZE_PX } from '../body/weak-perspective.js';
import { MIN_VISIBLE_2D, PCK_ALPHA, pckPerFrame } from '../metrics/pck.js';
import { paMpjpePerFrame } from '../metrics/procrustes.js';
import { EVAL_JOINT_COUNT, type EvalSet } from './eval-set.js';

export type MetricKey =
  | 'pck'
  | 'mpjpe'
  | 'pa_mpjpe'
  | 'accel_error_mm_per_frame2'
  | 'accel_error_mm_per_s2'
  | 'accel_mm_per_frame2'
  | 'accel_mm_per_s2'
  | 'pve';

export interface MetricRow {
  key: MetricKey;
  label: string;
  unit: string;
  /** Mean of per-sequence means (reference code); null when the inputs cannot give this metric. */
  perSequence: number | null;
  /** Mean over all counted frames / windows (VIBE). */
  allFrames: number | null;
  /** Frames (acceleration: three-frame windows) that counted. */
  counted: number;
  /** Why the row is null, or a caveat. */
  note?: string;
}

export interface EvalReport {
  jointSet: string;
  fps: number | null;
  sequenceCount: number;
  frameCount: number;
  /** Frames passing the 3D filter (> 6 visible ground-truth keypoints). */
  frames3dCounted: number;
  rows: MetricRow[];
}

/**
 * The whole metric table for a prediction set against ground truth. The sets must already be
 * matched sequence by sequence (same names in the same order, same frame counts): see
 * matchEvalSets in eval-file.ts. Joints are in metres; every length is reported in mm.
 */
export function computeEvalReport(pred: EvalSet, gt: EvalSet, fps: number | undefined = gt.fps ?? pred.fps): EvalReport {
  const jointCount = EVAL_JOINT_COUNT[gt.jointSet];
  const mpjpe: Float64Array[] = [];
  const paMpjpe: Float64Array[] = [];
  const accelError: Float64Array[] = [];
  const accel: Float64Array[] = [];
  const pck: Float64Array[] = [];
  let pckAvailable = true;
  let frameCount = 0;
  let frames3dCounted = 0;

  gt.sequences.forEach((gtSequence, s) => {
    const predSequence = pred.sequences[s]!;
    const mask = framesFor3dMetrics(gtSequence.frameCount, jointCount, gtSequence.visible);
    frameCount += gtSequence.frameCount;
    frames3dCounted += mask.reduce((sum, m) => sum + m, 0);
    mpjpe.push(mpjpePerFrame(predSequence.joints3d, gtSequence.joints3d, jointCount, mask));
    paMpjpe.push(paMpjpePerFrame(predSequence.joints3d, gtSequence.joints3d, jointCount, mask));
    // Acceleration of root-relative joints: a weak-perspective prediction has no global trajectory.
    const predAligned = alignByPelvis(predSequence.joints3d, jointCount);
    const gtAligned = alignByPelvis(gtSequence.joints3d, jointCount);
    accelError.push(accelerationErrorPerWindow(predAligned, gtAligned, jointCount, mask));
    // The prediction's own acceleration needs no ground truth, so (as in the reference) no frame filter.
    accel.push(accelerationPerWindow(predAligned, jointCount));
    if (predSequence.joints2d && gtSequence.joints2d) {
      const visible = gtSequence.visible ?? new Uint8Array(gtSequence.frameCount * jointCount).fill(1);
      pck.push(pckPerFrame(predSequence.joints2d, gtSequence.joints2d, visible, jointCount));
    } else {
      pckAvailable = false;
    }
  });

  const mm = 1000;
  const accelErrorAggregate = aggregateAcrossSequences(accelError);
  const accelAggregate = aggregateAcrossSequences(accel);
  const perSecond2 = (aggregate: Aggregate): Aggregate | undefined =>
    fps === undefined
      ? undefined
      : { ...aggregate, perSequence: perFrame2ToPerSecond2(aggregate.perSequence, fps), allFrames: perFrame2ToPerSecond2(aggregate.allFrames, fps) };
  const noFps = 'needs fps in the eval file';

  const rows: MetricRow[] = [
    pckAvailable
      ? row('pck', `PCK@${PCK_ALPHA} (${CROP_SIZE_PX}-px crop, ${(PCK_ALPHA * CROP_SIZE_PX).toFixed(1)} px)`, '%', aggregateAcrossSequences(pck), 100, `frames with < ${MIN_VISIBLE_2D} visible GT points skipped`)
      : row('pck', `PCK@${PCK_ALPHA}`, '%', undefined, 100, 'needs joints2d in both files'),
    // On Human3.6M's 17 joints these two are the literature's protocols 1 and 2.
    row('mpjpe', gt.jointSet === 'h36m17' ? 'MPJPE, protocol 1 (pelvis-aligned)' : 'MPJPE (pelvis-aligned)', 'mm', aggregateAcrossSequences(mpjpe), mm),
    row('pa_mpjpe', gt.jointSet === 'h36m17' ? 'PA-MPJPE, protocol 2 (similarity Procrustes)' : 'PA-MPJPE (similarity Procrustes)', 'mm', aggregateAcrossSequences(paMpjpe), mm),
    row('accel_error_mm_per_frame2', 'Accel error |Δ²pred − Δ²gt|', 'mm/frame²', accelErrorAggregate, mm),
    row('accel_error_mm_per_s2', 'Accel error |Δ²pred − Δ²gt|', 'mm/s²', perSecond2(accelErrorAggregate), mm, fps === undefined ? noFps : undefined),
    row('accel_mm_per_frame2', 'Accel of prediction |Δ²pred|', 'mm/frame²', accelAggregate, mm, 'all frames, no GT filter'),
    row('accel_mm_per_s2', 'Accel of prediction |Δ²pred|', 'mm/s²', perSecond2(accelAggregate), mm, fps === undefined ? noFps : 'all frames, no GT filter'),
  ];
  return {
    jointSet: gt.jointSet,
    fps: fps ?? null,
    sequenceCount: gt.sequences.length,
    frameCount,
    frames3dCounted,
    rows,
  };
}

/** The filter threshold, exported so the table can state it. */
export const FRAME_FILTER_3D_DESCRIPTION = `> ${MIN_VISIBLE_3D_EXCLUSIVE} visible GT keypoints`;

function row(key: MetricKey, label: string, unit: string, aggregate: Aggregate | undefined, factor: number, note?: string): MetricRow {
  const finiteOrNull = (value: number | undefined): number | null =>
    value === undefined || Number.isNaN(value) ? null : value * factor;
  const result: MetricRow = {
    key,
    label,
    unit,
    perSequence: finiteOrNull(aggregate?.perSequence),
    allFrames: finiteOrNull(aggregate?.allFrames),
    counted: aggregate?.countedFrames ?? 0,
  };
  if (note !== undefined) result.note = note;
  return result;
}
