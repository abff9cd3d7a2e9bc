import type { DynamicsCell, DynamicsColumn, DynamicsRow } from './dynamics.js';
import { aggregateAcrossSequences } from '../metrics/aggregate.js';
import { framesFor3dMetrics } from '../metrics/frame-filter.js';
import type { JointValues, VisibilityValues } from '../metrics/joint-arrays.js';
import { paMpjpePerFrame } from '../metrics/procrustes.js';

/** Ground-truth 3D of one sequence: frames × joints × 3, metres. */
export interface OracleSequence {
  frameCount: number;
  joints3d: JointValues;
  visible?: VisibilityValues;
}

/**
 * The nearest-neighbour oracle of the paper's Table 5: for each test frame t, the training frame s
 * whose ground-truth 3D pose is closest to the test frame's ground-truth 3D (after a similarity
 * alignment, as PA-MPJPE measures it), and its neighbours s ± Δt as the past and future. It sees the
 * answer for the present, so it bounds what "look up a similar pose and replay its motion" can do.
 * The frames t counted are those computeDynamicsReport counts (t ± Δt exist and pass the frame filter),
 * and candidates s are training frames whose s ± Δt exist in the same sequence.
 */
export function nearestNeighbourOracleRow(
  training: readonly OracleSequence[],
  test: readonly OracleSequence[],
  deltaFrames: number,
  jointCount: number,
): DynamicsRow {
  const size = jointCount * 3;
  const candidates: { sequence: OracleSequence; frame: number }[] = [];
  for (const sequence of training) {
    for (let s = deltaFrames; s < sequence.frameCount - deltaFrames; s++) candidates.push({ sequence, frame: s });
  }
  if (candidates.length === 0) throw new RangeError(`no training frame has neighbours ${deltaFrames} frames either side`);
  const frameOf = (values: JointValues, frame: number) => values.subarray(frame * size, (frame + 1) * size);
  const errors: Record<DynamicsColumn, Float64Array[]> = { past: [], current: [], future: [] };
  for (const sequence of test) {
    const inner = sequence.frameCount - 2 * deltaFrames;
    if (inner <= 0) continue;
    const filter = framesFor3dMetrics(sequence.frameCount, jointCount, sequence.visible);
    const perColumn = { past: new Float64Array(inner), current: new Float64Array(inner), future: new Float64Array(inner) };
    for (let i = 0; i < inner; i++) {
      const t = i + deltaFrames;
      if (!(filter[t - deltaFrames]! & filter[t]! & filter[t + deltaFrames]!)) {
        perColumn.past[i] = perColumn.current[i] = perColumn.future[i] = Number.NaN;
        continue;
      }
      const present = frameOf(sequence.joints3d, t);
      let best = candidates[0]!;
      let bestError = Infinity;
      for (const candidate of candidates) {
        const error = alignedError(frameOf(candidate.sequence.joints3d, candidate.frame), present, jointCount);
        if (error < bestError) {
          bestError = error;
          best = candidate;
        }
      }
      perColumn.current[i] = bestError;
      perColumn.past[i] = alignedError(frameOf(best.sequence.joints3d, best.frame - deltaFrames), frameOf(sequence.joints3d, t - deltaFrames), jointCount);
      perColumn.future[i] = alignedError(frameOf(best.sequence.joints3d, best.frame + deltaFrames), frameOf(sequence.joints3d, t + deltaFrames), jointCount);
    }
    for (const column of ['past', 'current', 'future'] as const) errors[column].push(perColumn[column]);
  }
  const cell = (column: DynamicsColumn): DynamicsCell => {
    const aggregate = aggregateAcrossSequences(errors[column]);
    const mm = (value: number) => (Number.isNaN(value) ? null : value * 1000);
    return { perSequence: mm(aggregate.perSequence), allFrames: mm(aggregate.allFrames) };
  };
  return { key: 'oracle', label: 'nearest-neighbour oracle', cells: { past: cell('past'), current: cell('current'), future: cell('future') } };
}

/** PA-MPJPE of one frame against one frame, metres. */
function alignedError(pred: JointValues, gt: JointValues, jointCount: number): number {
  return paMpjpePerFrame(pred, gt, jointCount)[0]!;
}
