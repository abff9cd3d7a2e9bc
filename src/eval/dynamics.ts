import { aggregateAcrossSequences } from '../metrics/aggregate.js';
import { framesFor3dMetrics } from '../metrics/frame-filter.js';
import type { JointValues, VisibilityValues } from '../metrics/joint-arrays.js';
import { paMpjpePerFrame } from '../metrics/procrustes.js';

/**
 * The dynamics evaluation (paper Table 5, spec A/B3): from ONE image, the hallucinator predicts the
 * pose at t − Δt, t and t + Δt; each is scored with PA-MPJPE against the ground truth Δt frames
 * earlier, at t, and Δt frames later. The constant baseline uses the present prediction for all
 * three, i.e. "nothing moves". A model that learned dynamics beats the baseline on past and future;
 * the present column is the same for both rows by construction.
 */
export interface DynamicsSequence {
  name: string;
  frameCount: number;
  /** Ground truth, frames × joints × 3, metres. */
  gtJoints3d: JointValues;
  /** Ground-truth visibility, frames × joints (decides which frames count, as in the main table). */
  visible?: VisibilityValues;
  /** Predictions made from frame t alone, frames × joints × 3, metres: the pose at t − Δt, t, t + Δt. */
  past: JointValues;
  current: JointValues;
  future: JointValues;
}

export type DynamicsColumn = 'past' | 'current' | 'future';
export const DYNAMICS_COLUMNS: readonly DynamicsColumn[] = ['past', 'current', 'future'];

export interface DynamicsCell {
  /** PA-MPJPE, mm: mean of per-sequence means (reference code). */
  perSequence: number | null;
  /** PA-MPJPE, mm: mean over all counted frames (VIBE). */
  allFrames: number | null;
}

export interface DynamicsRow {
  key: 'constant' | 'hallucinated' | 'oracle';
  label: string;
  cells: Record<DynamicsColumn, DynamicsCell>;
}

export interface DynamicsReport {
  deltaFrames: number;
  sequenceCount: number;
  /** Frames t whose t − Δt, t and t + Δt all exist and pass the 3D frame filter. */
  framesCounted: number;
  rows: DynamicsRow[];
}

/**
 * Both rows of the dynamics table. Every column is computed over the SAME frames t (those with a
 * ground-truth frame at t − Δt, t and t + Δt that passes the frame filter), so the three columns
 * differ only in what is predicted, not in which frames count.
 */
export function computeDynamicsReport(sequences: readonly DynamicsSequence[], deltaFrames: number, jointCount: number): DynamicsReport {
  if (!Number.isInteger(deltaFrames) || deltaFrames <= 0) throw new RangeError(`Δt must be a positive whole number of frames, got ${deltaFrames}`);
  const errors = {
    constant: { past: [] as Float64Array[], current: [] as Float64Array[], future: [] as Float64Array[] },
    hallucinated: { past: [] as Float64Array[], current: [] as Float64Array[], future: [] as Float64Array[] },
  };
  let framesCounted = 0;
  for (const sequence of sequences) {
    const { frameCount } = sequence;
    const inner = frameCount - 2 * deltaFrames;
    if (inner <= 0) continue;
    const filter = framesFor3dMetrics(frameCount, jointCount, sequence.visible);
    const mask = new Uint8Array(inner);
    for (let i = 0; i < inner; i++) mask[i] = filter[i]! & filter[i + deltaFrames]! & filter[i + 2 * deltaFrames]!;
    framesCounted += mask.reduce((sum, m) => sum + m, 0);
    const size = jointCount * 3;
    // Frames t = Δt … F − Δt − 1; the ground truth of t + k·Δt starts k·Δt frames later.
    const at = (values: JointValues, shift: number) => values.subarray((deltaFrames + shift) * size, (deltaFrames + shift + inner) * size);
    const gt = { past: at(sequence.gtJoints3d, -deltaFrames), current: at(sequence.gtJoints3d, 0), future: at(sequence.gtJoints3d, deltaFrames) };
    const present = at(sequence.current, 0);
    for (const column of DYNAMICS_COLUMNS) {
      errors.constant[column].push(paMpjpePerFrame(present, gt[column], jointCount, mask));
      errors.hallucinated[column].push(paMpjpePerFrame(at(sequence[column], 0), gt[column], jointCount, mask));
    }
  }
  const cells = (byColumn: Record<DynamicsColumn, Float64Array[]>): Record<DynamicsColumn, DynamicsCell> => {
    const cell = (column: DynamicsColumn): DynamicsCell => {
      const aggregate = aggregateAcrossSequences(byColumn[column]);
      const mm = (value: number) => (Number.isNaN(value) ? null : value * 1000);
      return { perSequence: mm(aggregate.perSequence), allFrames: mm(aggregate.allFrames) };
    };
    return { past: cell('past'), current: cell('current'), future: cell('future') };
  };
  return {
    deltaFrames,
    sequenceCount: sequences.length,
    framesCounted,
    rows: [
      { key: 'constant', label: 'constant baseline', cells: cells(errors.constant) },
      { key: 'hallucinated', label: 'HMMR hallucinator', cells: cells(errors.hallucinated) },
    ],
  };
}

/** The dynamics table as fixed-width text, both aggregations labelled. */
export function formatDynamicsReport(report: DynamicsReport): string {
  const d = report.deltaFrames;
  const header = ['PA-MPJPE, mm', 'aggregation', `past (t−${d})`, 'current (t)', `future (t+${d})`];
  const value = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
  const lines = report.rows.flatMap((row) => [
    [row.label, 'per-sequence', ...DYNAMICS_COLUMNS.map((c) => value(row.cells[c].perSequence))],
    ['', 'all-frames', ...DYNAMICS_COLUMNS.map((c) => value(row.cells[c].allFrames))],
  ]);
  const widths = header.map((title, c) => Math.max(title.length, ...lines.map((line) => line[c]!.length)));
  const render = (cells: string[]) => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [
    `Dynamics from single frames: ${report.sequenceCount} sequences, ${report.framesCounted} frames t with ground truth at t−${d}, t and t+${d}`,
    render(header),
    render(widths.map((w) => '-'.repeat(w))),
    ...lines.map(render),
    `constant baseline: the present prediction used as past and future; HMMR hallucinator: f_±${d} on the hallucinated movie strip of one frame.`,
  ].join('\n');
}
