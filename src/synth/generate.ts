import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import type { KeypointFormat, Tube, TubeFrame } from '../domain.js';
import { boxFromVisibleKeypoints } from '../tracker/keypoint-box.js';
import { DEFAULT_TUBE_BOX_OPTIONS, smoothTubeBoxes } from '../tracker/tube.js';
import { Rng } from '../train/rng.js';
import { cameraForCrop, projectToCrop } from '../body/weak-perspective.js';
import { DEFAULT_DETECTOR_NOISE, simulateDetection, type DetectorNoiseOptions } from './detector-noise.js';
import type { MotionName } from './motions.js';
import type { RandomSource } from './random.js';
import { frameCenter, sampleSequenceSpec, sequenceMotion, SYNTH_FRAME, type SequenceSpec } from './sequence-spec.js';

/**
 * Synthetic MoCap-tier data: procedural motions posed through a body model give 3D ground truth
 * (LSP-14, metres, camera frame); projected with a weak-perspective camera and passed through a
 * detector simulation they give 2D tubes exactly like the tracker's (keypoints in frame pixels,
 * smoothed boxes, crops with the person's diagonal at 150 px), plus the per-frame crop camera and
 * the exact 2D ground truth in crop pixels for PCK.
 */

/** Keypoints of posed bodies: frames × K × 3 in metres, camera frame (y down), for two sets. */
export interface PosedKeypoints {
  lsp14: Float32Array;
  detector: Float32Array;
}

/** Poses (frames × 72) and one shape (10) → keypoints; backed by a BodyModel in production. */
export type PoseKeypoints = (poses: Float32Array, shape: Float32Array, frameCount: number) => PosedKeypoints;

export type SynthSplit = 'train' | 'test';

/**
 * What a synthetic set is stored as: `mocap3d` tubes (3D supervision), `pseudo2d` tubes (the same
 * detector-like 2D tubes without 3D supervision, as if labelled from video: the ground truth is
 * still stored, for scoring, but training reads 3D only from mocap3d tubes), or `pose-bank` clips
 * (poses only, no images or keypoints: the unpaired MoCap the paper's adversarial prior learns from).
 */
export type SynthTier = 'mocap3d' | 'pseudo2d' | 'pose-bank';

export interface SynthOptions {
  sequences: number;
  frames: number;
  fps: number;
  seed: number;
  /** Fraction of sequences held out as the test split. */
  testFraction: number;
  /** The 2D format the simulated detector emits (the shipped model's coco18 by default). */
  detectorFormat: Pick<KeypointFormat, 'name' | 'keypoints'>;
  noise?: DetectorNoiseOptions;
  /** The motions sequences rotate through (default: all of MOTION_NAMES). */
  motions?: readonly MotionName[];
  /** Default 'mocap3d'. */
  tier?: SynthTier;
  /**
   * Viewpoints per train-split motion (default 1): view v turns the drawn viewpoint by 2πv/K, like
   * the several cameras of a MoCap studio. Test sequences keep one view, so scores compare across K.
   */
  trainViews?: number;
}

export interface PlannedSequence {
  index: number;
  /** 0: the drawn viewpoint; v > 0: the train motion `index` seen from its v-th extra camera. */
  view: number;
  /** The motion's own name (its view 0's): every view of one motion is one take. */
  take: string;
  spec: SequenceSpec;
  split: SynthSplit;
}

export interface SyntheticSequence extends PlannedSequence {
  fps: number;
  frameCount: number;
  /** frames × 72 SMPL axis-angle. */
  poses: Float32Array;
  /** frames × 14 × 3, metres, camera frame. */
  joints3d: Float32Array;
  /** Detector keypoints, boxes and crops, as the tracker would have made them. */
  tube: Tube;
  /** frames × 3 weak-perspective [s, tx, ty] for each frame's crop. */
  cameras: Float32Array;
  /** frames × 14 × 2, exact 2D ground truth in crop pixels. */
  joints2dCrop: Float64Array;
}

/** Every sequence name of a seed starts with this (re-running a seed replaces its tubes). */
export function syntheticNamePrefix(seed: number): string {
  return `synth-s${seed}-`;
}

/** Draws every sequence's spec and the train/test split; cheap, so the CLI can plan, then generate with progress. */
export function planSyntheticSet(options: SynthOptions): PlannedSequence[] {
  const random = new Rng(options.seed);
  const prefix = syntheticNamePrefix(options.seed);
  const specs = Array.from({ length: options.sequences }, (_, index) => sampleSequenceSpec(random, index, prefix, options.motions));
  const testIndices = new Set(chooseTestIndices(options.sequences, options.testFraction, random));
  const planned: PlannedSequence[] = specs.map((spec, index) => ({ index, view: 0, take: spec.name, spec, split: testIndices.has(index) ? 'test' : 'train' }));
  // Extra views come after every first view, so a set without them is a prefix of one with them.
  const views = options.trainViews ?? 1;
  for (let view = 1; view < views; view++) {
    for (const first of planned.filter((p) => p.view === 0 && p.split === 'train')) {
      const viewYaw = wrapAngle(first.spec.viewYaw + (2 * Math.PI * view) / views);
      planned.push({ ...first, view, spec: { ...first.spec, name: `${first.spec.name}-view${view}`, viewYaw } });
    }
  }
  return planned;
}

function wrapAngle(radians: number): number {
  return radians - 2 * Math.PI * Math.round(radians / (2 * Math.PI));
}

export function generateSyntheticSequence(keypointsOf: PoseKeypoints, planned: PlannedSequence, options: SynthOptions): SyntheticSequence {
  const { spec } = planned;
  const frameCount = options.frames;
  const { poses, bodyYaw } = sequenceMotion(spec, frameCount, options.fps);
  const posed = keypointsOf(poses, spec.shape, frameCount);
  const names = options.detectorFormat.keypoints;
  const detectorCount = names.length;
  // Its own stream per sequence, so sequence k is the same whatever --sequences says.
  const random = sequenceRandom(options.seed, planned.index, planned.view);

  const origins: [number, number][] = [];
  const detections: Float32Array[] = [];
  for (let f = 0; f < frameCount; f++) {
    const origin = frameCenter(spec, f, options.fps);
    origins.push(origin);
    const points = new Float64Array(detectorCount * 2);
    for (let k = 0; k < detectorCount; k++) {
      const i = (f * detectorCount + k) * 3;
      points[k * 2] = spec.pixelsPerMetre * posed.detector[i]! + origin[0];
      points[k * 2 + 1] = spec.pixelsPerMetre * posed.detector[i + 1]! + origin[1];
    }
    const input = { points, bodyYaw: bodyYaw[f]!, pixelsPerMetre: spec.pixelsPerMetre, frameWidth: SYNTH_FRAME.width, frameHeight: SYNTH_FRAME.height };
    detections.push(simulateDetection(input, names, random, options.noise ?? DEFAULT_DETECTOR_NOISE));
  }

  const boxes = smoothTubeBoxes(
    detections.map((keypoints) => boxFromVisibleKeypoints(keypoints)),
    DEFAULT_TUBE_BOX_OPTIONS,
  );
  const cameras = new Float32Array(frameCount * 3);
  const frames: TubeFrame[] = boxes.map(({ box, crop }, f) => {
    cameras.set(cameraForCrop(spec.pixelsPerMetre, origins[f]![0], origins[f]![1], crop), f * 3);
    return { frameIndex: f, keypoints: detections[f]!, box, crop };
  });
  return {
    ...planned,
    fps: options.fps,
    frameCount,
    poses,
    joints3d: posed.lsp14,
    tube: { trackId: planned.index + planned.view * options.sequences, keypointFormat: options.detectorFormat.name, frames },
    cameras,
    joints2dCrop: projectToCrop(posed.lsp14, cameras, LSP_JOINT_COUNT),
  };
}

/**
 * round(count × fraction) sequences, at least one when the fraction is positive and at least one
 * left for training when it is below 1, picked by a seeded shuffle.
 */
function chooseTestIndices(count: number, fraction: number, random: RandomSource): number[] {
  let testCount = Math.round(count * fraction);
  if (fraction > 0 && count >= 2) testCount = Math.max(1, testCount);
  if (fraction < 1) testCount = Math.min(testCount, count - 1);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, Math.max(0, testCount));
}

/**
 * A stream for view `view` of sequence `index` of seed `seed`, hashed (murmur3 finaliser) into one Rng
 * seed; view 0's stream does not depend on the view, so sets made before views existed are unchanged.
 */
function sequenceRandom(seed: number, index: number, view: number): RandomSource {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b) ^ Math.imul(view, 0x27d4eb2f)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return new Rng((h ^ (h >>> 16)) >>> 0);
}
