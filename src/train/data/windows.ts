import { LSP_JOINT_COUNT } from '../../body/joint-sets.js';
import type { Rng } from '../rng.js';
import { POSE_SIZE, SHAPE_SIZE } from '../theta.js';
import { flipJoints3d, flipKeypoints, flipPoses } from './flip.js';
import { KEYPOINT_COUNT, type TrainingSequence } from './sequence.js';

/**
 * One window of T frames from one sequence, starting at frame `start` (negative: the window begins
 * with −start padding frames). Frames before the sequence's start or past its end are padding.
 */
export interface WindowSample {
  sequence: TrainingSequence;
  start: number;
  flip: boolean;
}

/**
 * A batch as flat arrays, [B, T, ...] row-major. Padding frames have the sequence's blank
 * features, valid = 0, visibility 0 and no 3D ground truth, so every loss ignores them.
 */
export interface TrainingBatch {
  sequences: number;
  frames: number;
  featureDims: number;
  /** [B, T, F]. */
  features: Float32Array;
  /** [B, T, 25, 3]: x, y normalised, visibility ∈ {0, 1}. */
  keypoints: Float32Array;
  /** [B, T]. */
  valid: Float32Array;
  /** [B, T, 14, 3] metres. */
  joints3d: Float32Array;
  /** [B, T]. */
  hasJoints: Float32Array;
  /** [B, T, 72]. */
  pose: Float32Array;
  /** [B, T, 10]. */
  shape: Float32Array;
  /** [B, T]. */
  hasSmpl: Float32Array;
}

export interface WindowSamplerOptions {
  windowFrames: number;
  flipProbability: number;
  /** Half of each batch from sequences with 3D ground truth when both kinds exist. */
  balanceTiers: boolean;
  /**
   * Blank frames a window may reach before a sequence's first frame and past its last (prediction's
   * end padding, the temporal encoder's half receptive field); 0 (default) keeps windows inside sequences.
   */
  padFrames?: number;
}

/**
 * How many start positions a sequence offers: starts run from −padFrames to F − T + padFrames
 * (at least one, −padFrames, for a sequence shorter than the window).
 */
export function windowStartCount(frameCount: number, windowFrames: number, padFrames: number): number {
  return Math.max(1, frameCount - windowFrames + 1 + 2 * padFrames);
}

/**
 * Draws training windows: a sequence chosen with probability proportional to how many windows it
 * holds (so every window of the data set is equally likely), a uniform random start (reaching into
 * the end padding when `padFrames` > 0), and a flip with the configured probability (spec B2).
 */
export class WindowSampler {
  private readonly with3d: WeightedPool;
  private readonly without3d: WeightedPool;
  private readonly all: WeightedPool;

  constructor(
    sequences: readonly TrainingSequence[],
    private readonly options: WindowSamplerOptions,
  ) {
    if (sequences.length === 0) throw new Error('no training sequences');
    const starts = (sequence: TrainingSequence) => windowStartCount(sequence.frameCount, options.windowFrames, options.padFrames ?? 0);
    this.with3d = new WeightedPool(sequences.filter((s) => s.groundTruth), starts);
    this.without3d = new WeightedPool(sequences.filter((s) => !s.groundTruth), starts);
    this.all = new WeightedPool(sequences, starts);
  }

  sample(rng: Rng, count: number): WindowSample[] {
    const balanced = this.options.balanceTiers && this.with3d.size > 0 && this.without3d.size > 0;
    const samples: WindowSample[] = [];
    for (let i = 0; i < count; i++) {
      const pool = !balanced ? this.all : i < Math.floor(count / 2) ? this.with3d : this.without3d;
      const sequence = pool.pick(rng);
      const { windowFrames, padFrames = 0 } = this.options;
      const start = rng.int(windowStartCount(sequence.frameCount, windowFrames, padFrames)) - padFrames;
      samples.push({ sequence, start, flip: rng.next() < this.options.flipProbability });
    }
    return samples;
  }
}

class WeightedPool {
  private readonly cumulative: number[] = [];

  constructor(
    private readonly sequences: readonly TrainingSequence[],
    startsOf: (sequence: TrainingSequence) => number,
  ) {
    let total = 0;
    for (const sequence of sequences) {
      total += startsOf(sequence);
      this.cumulative.push(total);
    }
  }

  get size(): number {
    return this.sequences.length;
  }

  pick(rng: Rng): TrainingSequence {
    const target = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return this.sequences[low]!;
  }
}

/** Windows → one batch. Keypoints at or above `visibilityThreshold` confidence count as visible. */
export function assembleBatch(samples: readonly WindowSample[], windowFrames: number, visibilityThreshold: number): TrainingBatch {
  const b = samples.length;
  const t = windowFrames;
  const featureDims = samples[0]?.sequence.features.dims ?? 0;
  const batch: TrainingBatch = {
    sequences: b,
    frames: t,
    featureDims,
    features: new Float32Array(b * t * featureDims),
    keypoints: new Float32Array(b * t * KEYPOINT_COUNT * 3),
    valid: new Float32Array(b * t),
    joints3d: new Float32Array(b * t * LSP_JOINT_COUNT * 3),
    hasJoints: new Float32Array(b * t),
    pose: new Float32Array(b * t * POSE_SIZE),
    shape: new Float32Array(b * t * SHAPE_SIZE),
    hasSmpl: new Float32Array(b * t),
  };
  samples.forEach((sample, i) => writeWindow(batch, i, sample, visibilityThreshold));
  return batch;
}

function writeWindow(batch: TrainingBatch, index: number, sample: WindowSample, visibilityThreshold: number): void {
  const { sequence, flip } = sample;
  const t = batch.frames;
  // Real frames [start, start + frames) of the sequence go to rows [padBefore, padBefore + frames).
  const start = Math.max(0, sample.start);
  const padBefore = start - sample.start;
  const frames = Math.max(0, Math.min(t - padBefore, sequence.frameCount - start));
  const row = index * t + padBefore;
  const slice = (values: Float32Array, perFrame: number) => values.subarray(start * perFrame, (start + frames) * perFrame);
  const dims = sequence.features.dims;
  if (dims !== batch.featureDims) throw new Error(`sequence '${sequence.name}' has ${dims}-d features, the batch ${batch.featureDims}-d`);

  // Padding rows get the blank frame's features, as prediction pads (a black crop is its own mirror).
  if (sequence.blankFeatures) {
    for (let r = 0; r < t; r++) if (r < padBefore || r >= padBefore + frames) batch.features.set(sequence.blankFeatures, (index * t + r) * dims);
  }
  batch.features.set(slice(flip ? sequence.features.mirrored : sequence.features.original, dims), row * dims);
  const keypoints = slice(sequence.keypoints, KEYPOINT_COUNT * 3);
  const oriented = flip ? flipKeypoints(keypoints, frames) : keypoints;
  for (let i = 0; i < frames * KEYPOINT_COUNT; i++) {
    const o = row * KEYPOINT_COUNT * 3 + i * 3;
    const visible = oriented[i * 3 + 2]! >= visibilityThreshold && oriented[i * 3 + 2]! > 0;
    batch.keypoints[o] = visible ? oriented[i * 3]! : 0;
    batch.keypoints[o + 1] = visible ? oriented[i * 3 + 1]! : 0;
    batch.keypoints[o + 2] = visible ? 1 : 0;
  }
  batch.valid.fill(1, row, row + frames);

  const gt = sequence.groundTruth;
  if (!gt) return;
  const joints = slice(gt.joints3d, LSP_JOINT_COUNT * 3);
  batch.joints3d.set(flip ? flipJoints3d(joints, frames) : joints, row * LSP_JOINT_COUNT * 3);
  for (let f = 0; f < frames; f++) batch.hasJoints[row + f] = gt.hasJoints[start + f]!;
  if (gt.pose && gt.shape && gt.hasSmpl) {
    const pose = slice(gt.pose, POSE_SIZE);
    batch.pose.set(flip ? flipPoses(pose) : pose, row * POSE_SIZE);
    batch.shape.set(slice(gt.shape, SHAPE_SIZE), row * SHAPE_SIZE);
    for (let f = 0; f < frames; f++) batch.hasSmpl[row + f] = gt.hasSmpl[start + f]!;
  }
}

/**
 * Real poses for the discriminator: every frame with SMPL ground truth (the reference uses MoCap
 * poses; here the mocap3d tier supplies them), or poses given as they are ([N × 72], a worker
 * thread's copy of the main thread's bank). Empty when no sequence has SMPL ground truth.
 */
export class PoseBank {
  readonly poses: Float32Array;
  readonly size: number;

  constructor(source: readonly TrainingSequence[] | Float32Array) {
    if (source instanceof Float32Array) {
      this.poses = source;
      this.size = source.length / POSE_SIZE;
      return;
    }
    const sequences = source;
    const chunks: Float32Array[] = [];
    for (const { groundTruth: gt, frameCount } of sequences) {
      if (!gt?.pose || !gt.hasSmpl) continue;
      for (let f = 0; f < frameCount; f++) if (gt.hasSmpl[f]) chunks.push(gt.pose.subarray(f * POSE_SIZE, (f + 1) * POSE_SIZE));
    }
    this.size = chunks.length;
    this.poses = new Float32Array(this.size * POSE_SIZE);
    chunks.forEach((chunk, i) => this.poses.set(chunk, i * POSE_SIZE));
  }

  /** `count` poses drawn uniformly with replacement, [count, 72]. */
  sample(rng: Rng, count: number): Float32Array {
    const out = new Float32Array(count * POSE_SIZE);
    for (let i = 0; i < count; i++) {
      const j = rng.int(this.size);
      out.set(this.poses.subarray(j * POSE_SIZE, (j + 1) * POSE_SIZE), i * POSE_SIZE);
    }
    return out;
  }
}
