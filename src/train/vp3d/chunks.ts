import { LSP_JOINT_COUNT, LSP_LEFT_HIP, LSP_RIGHT_HIP } from '../../body/joint-sets.js';
import { fitScaleTranslation } from '../../body/weak-perspective-fit.js';
import { flipJoints3d, flipKeypoints } from '../data/flip.js';
import { KEYPOINT_COUNT, type TrainingSequence } from '../data/sequence.js';
import type { Rng } from '../rng.js';

/** Fewest visible keypoints for a frame's trajectory target (the camera fit). */
const MIN_VISIBLE_FOR_CAMERA = 4;

/** One view (as recorded or mirrored) of a sequence, in the lifter's terms; arrays per frame. */
interface SequenceView {
  /** [F, D] the extractor's features (the lifter's input). */
  features: Float32Array;
  /** [F, 14, 2] LSP keypoints in the normalised crop, and [F, 14] 1 where visible. */
  keypoints: Float32Array;
  visible: Float32Array;
  /** 3D sequences: [F, 14, 3] pelvis-relative joints, [F] 1 where known, [F, 3] camera target s, u, v, [F] 1 where fitted. */
  joints?: Float32Array;
  hasJoints?: Float32Array;
  camera?: Float32Array;
  hasCamera?: Float32Array;
}

/** A sequence prepared for chunk sampling; `labelled` ones contribute their 3D. */
export class LifterSequence {
  readonly frameCount: number;
  readonly dims: number;
  private readonly views: [SequenceView, SequenceView];

  constructor(sequence: TrainingSequence, readonly labelled: boolean, visibilityThreshold: number) {
    this.frameCount = sequence.frameCount;
    this.dims = sequence.features.dims;
    const f = sequence.frameCount;
    const gt = labelled ? sequence.groundTruth : undefined;
    if (labelled && !gt) throw new Error(`sequence '${sequence.name}' has no 3D ground truth`);
    const view = (features: Float32Array, keypoints: Float32Array, joints: Float32Array | undefined): SequenceView => {
      const out: SequenceView = { features, ...lspKeypoints(keypoints, f, visibilityThreshold) };
      if (joints && gt) {
        out.joints = pelvisRelative(joints, f);
        out.hasJoints = Float32Array.from(gt.hasJoints);
        const { camera, hasCamera } = cameraTargets(out.joints, out.keypoints, out.visible, f);
        out.camera = camera;
        out.hasCamera = hasCamera;
        for (let i = 0; i < f; i++) hasCamera[i] = hasCamera[i]! * out.hasJoints[i]!;
      }
      return out;
    };
    this.views = [
      view(sequence.features.original, sequence.keypoints, gt?.joints3d),
      view(sequence.features.mirrored, flipKeypoints(sequence.keypoints, f), gt && flipJoints3d(gt.joints3d, f)),
    ];
  }

  /** The view's arrays (0: as recorded, 1: mirrored). */
  view(mirrored: boolean): SequenceView {
    return this.views[mirrored ? 1 : 0];
  }
}

/** A batch of chunks as flat arrays, ready for tensors. */
export interface ChunkBatch {
  count: number;
  /** Input frames per chunk (outputs + receptive field − 1) and output frames per chunk. */
  inputFrames: number;
  outputFrames: number;
  dims: number;
  /** [B, inputFrames, D]. */
  input: Float32Array;
  /** [B, T, 14, 2], [B, T, 14]. */
  keypoints: Float32Array;
  visible: Float32Array;
  /** Labelled batches: [B, T, 14, 3], [B, T], [B, T, 3], [B, T]. */
  joints?: Float32Array;
  hasJoints?: Float32Array;
  camera?: Float32Array;
  hasCamera?: Float32Array;
}

/**
 * Draws `count` chunks of `outputFrames` consecutive frames (uniform over sequences, then over
 * start frames), each with the receptive field's context; frames before the first or after the
 * last repeat the end frame, as the reference pads sequences ('edge' mode). With `flipProbability`
 * a chunk comes from the mirrored view.
 */
export function sampleChunks(
  sequences: readonly LifterSequence[],
  count: number,
  outputFrames: number,
  context: { before: number; after: number },
  flipProbability: number,
  rng: Rng,
): ChunkBatch {
  const dims = sequences[0]!.dims;
  const inputFrames = outputFrames + context.before + context.after;
  const labelled = sequences[0]!.labelled;
  const batch: ChunkBatch = {
    count,
    inputFrames,
    outputFrames,
    dims,
    input: new Float32Array(count * inputFrames * dims),
    keypoints: new Float32Array(count * outputFrames * LSP_JOINT_COUNT * 2),
    visible: new Float32Array(count * outputFrames * LSP_JOINT_COUNT),
  };
  if (labelled) {
    batch.joints = new Float32Array(count * outputFrames * LSP_JOINT_COUNT * 3);
    batch.hasJoints = new Float32Array(count * outputFrames);
    batch.camera = new Float32Array(count * outputFrames * 3);
    batch.hasCamera = new Float32Array(count * outputFrames);
  }
  for (let b = 0; b < count; b++) {
    const sequence = sequences[rng.int(sequences.length)]!;
    const view = sequence.view(rng.next() < flipProbability);
    const last = sequence.frameCount - 1;
    const start = rng.int(Math.max(1, sequence.frameCount - outputFrames + 1));
    for (let i = 0; i < inputFrames; i++) {
      const frame = clamp(start - context.before + i, last);
      batch.input.set(view.features.subarray(frame * dims, (frame + 1) * dims), (b * inputFrames + i) * dims);
    }
    for (let t = 0; t < outputFrames; t++) {
      const frame = clamp(start + t, last);
      const row = b * outputFrames + t;
      copyRow(view.keypoints, batch.keypoints, frame, row, LSP_JOINT_COUNT * 2);
      copyRow(view.visible, batch.visible, frame, row, LSP_JOINT_COUNT);
      if (labelled) {
        copyRow(view.joints!, batch.joints!, frame, row, LSP_JOINT_COUNT * 3);
        copyRow(view.hasJoints!, batch.hasJoints!, frame, row, 1);
        copyRow(view.camera!, batch.camera!, frame, row, 3);
        copyRow(view.hasCamera!, batch.hasCamera!, frame, row, 1);
      }
    }
  }
  return batch;
}

/** A whole sequence's features [F, D] → [F + before + after, D], ends repeated (prediction's padding). */
export function padByEdges(features: Float32Array, dims: number, context: { before: number; after: number }): Float32Array {
  const frames = features.length / dims;
  const padded = new Float32Array((frames + context.before + context.after) * dims);
  for (let i = 0; i < frames + context.before + context.after; i++) {
    const frame = clamp(i - context.before, frames - 1);
    padded.set(features.subarray(frame * dims, (frame + 1) * dims), i * dims);
  }
  return padded;
}

/** [F, 14, 3] joints minus each frame's pelvis (the hips' midpoint, as the eval aligns). */
export function pelvisRelative(joints: Float32Array, frames: number): Float32Array {
  const out = new Float32Array(joints.length);
  for (let f = 0; f < frames; f++) {
    const base = f * LSP_JOINT_COUNT * 3;
    for (let axis = 0; axis < 3; axis++) {
      const pelvis = (joints[base + LSP_RIGHT_HIP * 3 + axis]! + joints[base + LSP_LEFT_HIP * 3 + axis]!) / 2;
      for (let j = 0; j < LSP_JOINT_COUNT; j++) out[base + j * 3 + axis] = joints[base + j * 3 + axis]! - pelvis;
    }
  }
  return out;
}

/** The LSP prefix of the canonical keypoints: x, y and visibility (confidence ≥ threshold). */
function lspKeypoints(keypoints: Float32Array, frames: number, threshold: number): { keypoints: Float32Array; visible: Float32Array } {
  const xy = new Float32Array(frames * LSP_JOINT_COUNT * 2);
  const visible = new Float32Array(frames * LSP_JOINT_COUNT);
  for (let f = 0; f < frames; f++) {
    for (let j = 0; j < LSP_JOINT_COUNT; j++) {
      const source = (f * KEYPOINT_COUNT + j) * 3;
      const confidence = keypoints[source + 2]!;
      if (!(confidence > 0 && confidence >= threshold)) continue;
      const row = f * LSP_JOINT_COUNT + j;
      xy[row * 2] = keypoints[source]!;
      xy[row * 2 + 1] = keypoints[source + 1]!;
      visible[row] = 1;
    }
  }
  return { keypoints: xy, visible };
}

/**
 * The trajectory target of each 3D frame: the weak-perspective camera that best maps the
 * ground-truth joints onto the frame's visible keypoints (the closed form PCK and the Δt heads use),
 * as s and the root's crop position (u, v) = s·t.
 */
function cameraTargets(joints: Float32Array, keypoints: Float32Array, visible: Float32Array, frames: number): { camera: Float32Array; hasCamera: Float32Array } {
  const camera = new Float32Array(frames * 3);
  const hasCamera = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let count = 0;
    for (let j = 0; j < LSP_JOINT_COUNT; j++) count += visible[f * LSP_JOINT_COUNT + j]!;
    if (count < MIN_VISIBLE_FOR_CAMERA) continue;
    const fit = fitScaleTranslation({
      count: LSP_JOINT_COUNT,
      visible: (k) => visible[f * LSP_JOINT_COUNT + k]! > 0,
      got: (k, axis) => joints[(f * LSP_JOINT_COUNT + k) * 3 + axis]!,
      want: (k, axis) => keypoints[(f * LSP_JOINT_COUNT + k) * 2 + axis]!,
    });
    camera.set([fit.scale, fit.scale * fit.tx, fit.scale * fit.ty], f * 3);
    hasCamera[f] = 1;
  }
  return { camera, hasCamera };
}

function clamp(frame: number, last: number): number {
  return Math.min(last, Math.max(0, frame));
}

function copyRow(from: Float32Array, to: Float32Array, fromRow: number, toRow: number, width: number): void {
  to.set(from.subarray(fromRow * width, (fromRow + 1) * width), toRow * width);
}
